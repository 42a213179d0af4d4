// The package's API: its five classes and gather, made from the
// wasm-bindgen glue's hidden functions (whatever wasm-pack target built it)
// and the function that starts the package's workers (none where the JS
// runtime has no Workers: then ThreadCounter and BlockingWorker throw an
// Error saying so).
import { publicClass } from './public_class.js';

const COUNTER = {
  methods: ['start', 'stop', 'reset', 'onTick', 'ticks'],
  getters: ['running', 'count', 'name', 'intervalMs', 'lastTick'],
};

export function packageApi(glue, startWorker) {
  return {
    gather: function gather(tasks, options) {
      return glue.__loopbridgeGather(tasks, options);
    },
    CounterWorker: publicClass('CounterWorker', glue.__loopbridgeNewCounterWorker, COUNTER),
    ThreadCounter: publicClass(
      'ThreadCounter',
      (options) => glue.__loopbridgeNewThreadCounter(options, startWorker),
      {
        methods: [...COUNTER.methods, 'simulateCrash'],
        getters: [...COUNTER.getters, 'sharedMemory', 'crashReason'],
      },
    ),
    SharedCounter: publicClass('SharedCounter', glue.__loopbridgeNewSharedCounter, {
      methods: [...COUNTER.methods, 'onChange'],
      getters: [...COUNTER.getters, 'role'],
    }),
    LoopMonitor: publicClass('LoopMonitor', glue.__loopbridgeNewLoopMonitor, {
      methods: ['start', 'stop', 'samples'],
      getters: ['running', 'frames'],
    }),
    BlockingWorker: publicClass(
      'BlockingWorker',
      (options) => glue.__loopbridgeNewBlockingWorker(options, startWorker),
      {
        methods: ['runSyncLoop'],
        getters: ['running', 'ignoredAnswers', 'maxAnswerBytes', 'crashReason'],
        statics: { whyUnavailable: glue.__loopbridgeWhyBlockingUnavailable },
      },
    ),
  };
}
