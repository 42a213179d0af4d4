// A model-based test of the package's `gather`: seeded random runs (mode,
// onError, each task's outcome, the order in which the pending ones settle,
// sometimes the caller's signal aborting mid-run), each compared with a
// small reference model of what gather must report. Runs in any JS runtime
// (tests/gather/: Node and Chromium).
//
// Every task's settling is in the test's hands: a task returns a value,
// throws or aborts the caller at once, or returns a promise that the driver
// settles when it chooses (one or two per macrotask), so the order of
// completion is known.

/** A small seeded PRNG (mulberry32). */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// How a task ends: it resolves or rejects when the driver settles it, it
// returns or throws at once, or it aborts the caller's signal at once (then
// returns).
const KINDS = ['resolve', 'reject', 'value', 'throw', 'resolve', 'reject', 'abortCaller'];
const turn = () => new Promise((resolve) => setTimeout(resolve, 0));
const isTime = (ms) => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0;

/** One random run; resolves to a list of what differed from the model. */
async function runCase(gather, rand) {
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const count = Math.floor(rand() * 6);
  const mode = pick(['concurrent', 'sequential']);
  const onError = pick(['collect', 'failFast']);
  const abortAt = rand() < 0.2 ? Math.floor(rand() * (count + 1)) : -1; // after that many settles
  const plans = Array.from({ length: count }, (_, index) => ({
    index, kind: pick(KINDS), value: { task: index }, error: new Error(`task ${index}`),
  }));
  const state = plans.map(() => ({ calls: 0, signal: null, settle: null, settled: false }));
  const completion = []; // indexes, in the order their outcome became known
  const problems = [];
  const expect = (ok, what) => { if (!ok) problems.push(what); };
  const caller = new AbortController();
  const abortReason = new Error('caller gave up');
  const tasks = plans.map((plan) => (signal) => {
    const s = state[plan.index];
    s.calls += 1;
    s.signal = signal;
    expect(!caller.signal.aborted, `task ${plan.index} was called after the caller's signal aborted`);
    if (mode === 'sequential' && plan.index > 0) {
      expect(state[plan.index - 1].settled, `sequential: task ${plan.index} was called before task ${plan.index - 1} settled`);
    }
    if (plan.kind === 'abortCaller') caller.abort(abortReason);
    if (plan.kind === 'value' || plan.kind === 'throw' || plan.kind === 'abortCaller') {
      s.settled = true;
      completion.push(plan.index);
      if (plan.kind === 'throw') throw plan.error;
      return plan.value;
    }
    return new Promise((resolve, reject) => {
      s.settle = () => {
        s.settled = true;
        completion.push(plan.index);
        if (plan.kind === 'resolve') resolve(plan.value);
        else reject(plan.error);
      };
    });
  });
  let outcome;
  gather(tasks, { mode, onError, signal: caller.signal }).then(
    (results) => { outcome = { results }; },
    (error) => { outcome = { error }; },
  );
  // The driver: one macrotask at a time, it settles one pending task (or
  // two at once), or aborts the caller's signal (alone, or right after a
  // settle in the same turn).
  let settles = 0;
  const settleOne = () => {
    const pending = state.filter((s) => s.settle && !s.settled);
    if (pending.length === 0) return false;
    pick(pending).settle();
    settles += 1;
    return true;
  };
  for (let guard = 0; outcome === undefined && guard < 100; guard += 1) {
    await turn();
    if (outcome !== undefined) break;
    if (settles === abortAt && !caller.signal.aborted) {
      if (rand() < 0.5) settleOne();
      caller.abort(abortReason);
      continue;
    }
    if (settleOne() && rand() < 0.3) settleOne();
  }
  expect(outcome !== undefined, 'gather never settled');
  if (outcome === undefined) return { problems, plans, mode, onError };

  if (caller.signal.aborted) {
    // Aborted before gather settled (gather settles only after this turn).
    expect(outcome.error === abortReason, `rejects with the signal's reason, got ${describe(outcome)}`);
    for (const s of state) {
      if (s.calls > 0 && !s.settled) expect(s.signal.aborted && s.signal.reason === abortReason, 'a running task is aborted with the reason');
    }
  } else {
    const failed = onError === 'failFast'
      ? completion.find((i) => plans[i].kind === 'reject' || plans[i].kind === 'throw')
      : undefined;
    if (failed !== undefined) {
      const { error } = outcome;
      expect(error?.name === 'GatherError', `failFast rejects with a GatherError, got ${describe(outcome)}`);
      expect(error?.index === failed, `GatherError.index ${error?.index}, the model says ${failed}`);
      expect(error?.cause === plans[failed].error, 'GatherError.cause is the task\'s own error');
      checkResults(error?.results ?? [], plans, state, mode, expect, failed);
    } else {
      expect(Array.isArray(outcome.results), `resolves with results, got ${describe(outcome)}`);
      checkResults(outcome.results ?? [], plans, state, mode, expect, undefined);
    }
    if (mode === 'concurrent') {
      state.forEach((s, i) => expect(s.calls === 1, `concurrent: task ${i} was called ${s.calls} times, not once`));
    }
  }
  return { problems, plans: plans.map((p) => p.kind), mode, onError, abortAt, completion };
}

function checkResults(results, plans, state, mode, expect, failed) {
  expect(results.length === plans.length, `one result per task (${results.length} for ${plans.length})`);
  results.forEach((result, i) => {
    const plan = plans[i];
    const s = state[i];
    expect(result.index === i, `results[${i}].index`);
    expect(s.calls <= 1, `task ${i} called ${s.calls} times`);
    if (result.status === 'fulfilled') {
      expect(s.settled && ['resolve', 'value'].includes(plan.kind) && result.value === plan.value,
        `task ${i} fulfilled with its own value`);
    } else if (result.status === 'rejected') {
      expect(s.settled && ['reject', 'throw'].includes(plan.kind) && result.reason === plan.error,
        `task ${i} rejected with its own error`);
    } else {
      expect(result.status === 'cancelled' && failed !== undefined, `task ${i} cancelled only by failFast (${result.status})`);
      expect(!s.settled, `task ${i} had settled, yet is reported cancelled`);
      if (s.calls > 0) {
        expect(s.signal.aborted && s.signal.reason?.name === 'AbortError', `cancelled task ${i} sees an AbortError`);
        expect(isTime(result.startMs) && isTime(result.endMs), `cancelled task ${i} had started and was stopped: times`);
      } else {
        expect(result.startMs === null && result.endMs === null, `task ${i} never started: null times`);
      }
    }
    if (result.status !== 'cancelled') {
      expect(s.calls === 1 && !s.signal.aborted, `finished task ${i} ran once, its signal not aborted`);
      expect(isTime(result.startMs) && isTime(result.endMs) && result.startMs <= result.endMs,
        `task ${i} has times and ends after it starts`);
    }
    if (mode === 'sequential' && i > 0 && result.startMs !== null) {
      expect(results[i - 1].endMs !== null && result.startMs >= results[i - 1].endMs,
        `sequential: task ${i} starts after task ${i - 1} ends`);
    }
  });
  if (failed !== undefined && mode === 'sequential') {
    state.forEach((s, i) => expect(i <= failed || s.calls === 0, `sequential failFast: task ${i} never called`));
  }
}

function describe(outcome) {
  if (outcome === undefined) return 'nothing';
  if ('error' in outcome) return `${outcome.error?.name}: ${outcome.error?.message}`;
  return `results ${JSON.stringify(outcome.results?.map((r) => r.status))}`;
}

/**
 * Runs `cases` random cases from `seed` against `gather`; resolves to the
 * failing cases (empty when every run matched the model).
 */
export async function checkGather(gather, { seed, cases }) {
  const rand = random(seed);
  const failures = [];
  for (let i = 0; i < cases; i += 1) {
    const result = await runCase(gather, rand);
    if (result.problems.length > 0) failures.push({ case: i, ...result });
  }
  return failures;
}
