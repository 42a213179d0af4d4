// The types of the demo page's entry (demo.js): the npm package's API plus
// the page's sample exports.

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
  type CountStreamOptions,
  type GatherSleepsOptions,
  type GatherSleepsReport,
  type GatherSleepsTask,
  type InvokeAsyncStreamOptions,
} from './loopbridge_glue.js';
