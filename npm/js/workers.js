// Starts a worker that runs this package (./worker.js): ThreadCounter and
// BlockingWorker call it. Written exactly as bundlers (Vite, webpack 5,
// Parcel, esbuild with its worker plugins) recognise a worker: `new Worker`
// of a `new URL` relative to `import.meta.url`, with static options, so
// they bundle ./worker.js as an entry of its own and rewrite the URL.
export function startWorker() {
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'loopbridge' });
}
