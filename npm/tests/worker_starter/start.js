// The tests' worker starter: `script` (worker.js here) with the test glue's URL.
export function testWorkerStarter(script, glue) {
  const url = new URL(script, import.meta.url);
  url.searchParams.set('glue', glue);
  return () => new Worker(url, { type: 'module', name: 'loopbridge test' });
}
