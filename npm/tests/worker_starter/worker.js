// The package's worker logic, loading the test's glue from the URL the
// starter put in this script's query.
import { serveWorker } from '../../js/worker_main.js';

serveWorker(async (module) => {
  const glue = await import(new URL(self.location.href).searchParams.get('glue'));
  await glue.default({ module_or_path: module });
  return { counter: glue.__loopbridgeStartCounterHost, blocking: glue.__loopbridgeStartBlockingHost };
});
