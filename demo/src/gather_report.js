// Builds `gather`'s report (samples.rs) in JS: 10,000 task records made here
// cost a few milliseconds; made field by field from wasm they cost tens.
//
// `numbers` holds six numbers per task, in input order: index, durationMs,
// startMs and endMs (NaN: null), ok and cancelled (0 or 1). A task that
// finished has a text: its value if ok, else its error.
export function gatherReport(mode, onError, totalMs, numbers) {
  const tasks = new Array(numbers.length / 6);
  const orNull = (ms) => (Number.isNaN(ms) ? null : ms);
  for (let i = 0, at = 0; i < tasks.length; i += 1, at += 6) {
    const index = numbers[at];
    const durationMs = numbers[at + 1];
    const ok = numbers[at + 4] === 1;
    const cancelled = numbers[at + 5] === 1;
    const task = {
      index, durationMs, startMs: orNull(numbers[at + 2]), endMs: orNull(numbers[at + 3]), ok, cancelled,
    };
    if (ok) task.value = `task ${index} done after ${durationMs} ms`;
    else if (!cancelled) task.error = `task ${index} failed on purpose after ${durationMs} ms`;
    tasks[i] = task;
  }
  return { mode, onError, totalMs, tasks };
}

/** failFast's rejection: named GatherError, with the failing task's `index` and the `report`. */
export function gatherError(report, index) {
  const error = new Error(report.tasks[index].error);
  error.name = 'GatherError';
  error.index = index;
  error.report = report;
  return error;
}
