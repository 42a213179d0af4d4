// The demo page's entry: the npm package's API (loopbridge.js) plus the
// page's sample exports, which only the demo build's module has.
export * from './loopbridge.js';
export { default } from './loopbridge.js';
export {
  blockOn,
  busyWait,
  countStream,
  createFutureAndDrop,
  gatherSleeps,
  invokeAsync,
  invokeAsyncStream,
  invokeSyncSteps,
  liveStreamProducers,
  simulatePanic,
  yieldingWork,
} from './loopbridge_glue.js';
