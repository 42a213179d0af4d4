// loopbridge: the package's entry and its whole API. The wasm-bindgen glue
// (`loopbridge_glue.js`) is internal: its classes are not exported, and its
// `__loopbridge...` functions exist only for this file and for the workers.
import {
  __loopbridgeNewBlockingWorker,
  __loopbridgeNewCounterWorker,
  __loopbridgeNewSharedCounter,
  __loopbridgeNewThreadCounter,
  __loopbridgeWhyBlockingUnavailable,
} from './loopbridge_glue.js';
import { publicClass } from './public_class.js';

export { default, initSync } from './loopbridge_glue.js';

const COUNTER = {
  methods: ['start', 'stop', 'reset', 'onTick', 'ticks'],
  getters: ['running', 'count', 'name', 'intervalMs', 'lastTick'],
};

export const CounterWorker = publicClass('CounterWorker', __loopbridgeNewCounterWorker, COUNTER);

export const ThreadCounter = publicClass('ThreadCounter', __loopbridgeNewThreadCounter, {
  methods: [...COUNTER.methods, 'simulateCrash'],
  getters: [...COUNTER.getters, 'sharedMemory', 'crashReason'],
});

export const SharedCounter = publicClass('SharedCounter', __loopbridgeNewSharedCounter, {
  methods: COUNTER.methods,
  getters: [...COUNTER.getters, 'role'],
});

export const BlockingWorker = publicClass('BlockingWorker', __loopbridgeNewBlockingWorker, {
  methods: ['runSyncLoop'],
  getters: ['running', 'ignoredAnswers', 'maxAnswerBytes', 'crashReason'],
  statics: { whyUnavailable: __loopbridgeWhyBlockingUnavailable },
});
