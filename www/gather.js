// The gather panel: three 1 s tasks run one after another and all at once
// (`gatherSleeps`), each run drawn as an SVG timeline on one shared time axis so the
// 3 s against 1 s difference is plain to see. While a run goes on its bars
// grow: a task's bar ends when the live timeline's LoopMonitor sees its sleep
// end, and the tasks still running grow until then (in a row, only the one
// after the last that ended; together, all of them).
import { gatherSleeps } from './pkg/demo.js';
import { $, formatSeconds } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const DURATIONS_MS = [1000, 1000, 1000];
const MODES = ['sequential', 'concurrent'];
const FAIL_INDEX = 1;

const GUTTER = 64; // task labels
const RIGHT = 14;
const TOP = 6;
const HEADER = 22; // a run's title row
const ROW = 24; // one task
const BAR = 14;
const RUN_GAP = 12;
const AXIS = 26;

/** Per mode: null (never run), { running: true, startedAt }, or { report, error }. */
const runs = { sequential: null, concurrent: null };
/** The live timeline (www/timeline.js): its samples hold the sleeps that ended. */
let scope = null;

function svg(name, attributes = {}, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** The step between axis ticks: at most about `maxTicks` ticks up to `maxMs`. */
function tickStep(maxMs, maxTicks) {
  return [250, 500, 1000, 2000, 5000, 10000].find((step) => maxMs / step <= maxTicks) ?? 20000;
}

function outcome(task) {
  if (task.running) return 'running';
  if (task.ok) return 'ok';
  if (task.cancelled) return task.startMs === null ? 'not-started' : 'cancelled';
  return 'failed';
}

function describeTask(task) {
  const name = `task ${task.index}`;
  switch (outcome(task)) {
    case 'ok':
      return `${name}: ok, ${formatSeconds(task.startMs)} to ${formatSeconds(task.endMs)}`;
    case 'failed':
      return `${name}: failed at ${formatSeconds(task.endMs)}: ${task.error}`;
    case 'cancelled':
      return `${name}: cancelled at ${formatSeconds(task.endMs)}`;
    case 'running':
      return `${name}: running since ${formatSeconds(task.startMs)}`;
    default:
      return `${name}: never started`;
  }
}

/** The summary under the timeline: `sequential: 3.00 s` and what happened. */
function describeRun(mode) {
  const run = runs[mode];
  if (run === null) return [`${mode}: not run yet`, ''];
  if (run.running) return [`${mode}: running…`, ''];
  const { report, error } = run;
  if (!report) return [`${mode}: failed`, error?.message ?? ''];
  const counts = { ok: 0, failed: 0, cancelled: 0, 'not-started': 0 };
  for (const task of report.tasks) counts[outcome(task)] += 1;
  const parts = [`${counts.ok} ok`];
  if (counts.failed) parts.push(`${counts.failed} failed`);
  if (counts.cancelled) parts.push(`${counts.cancelled} cancelled`);
  if (counts['not-started']) parts.push(`${counts['not-started']} never started`);
  let note = parts.join(', ');
  if (error) {
    note = `Rejected (failFast): ${error.message}. ${note}.`;
  } else {
    const failed = report.tasks.find((task) => outcome(task) === 'failed');
    note = failed ? `Resolved (collect): ${note}: ${failed.error}` : `Resolved: ${note}`;
  }
  return [`${mode}: ${formatSeconds(report.totalMs)}`, note];
}

function drawTimeline() {
  const figure = $('gather-timeline');
  const width = Math.max(260, Math.floor(figure.parentElement.clientWidth));
  const reports = MODES.map((mode) => runs[mode]?.report).filter(Boolean);
  const now = performance.now();
  const live = Object.fromEntries(MODES.map((mode) => [mode, runs[mode]?.running ? liveTasks(mode, now) : null]));
  const liveMs = Math.max(0, ...MODES.filter((mode) => live[mode]).map((mode) => now - runs[mode].startedAt));
  // While running, the axis already spans the 3 s a sequential run takes.
  const maxMs = Math.max(1000, ...reports.map((report) => report.totalMs), liveMs && Math.max(liveMs, 3000));
  const plotWidth = width - GUTTER - RIGHT;
  const x = (ms) => GUTTER + (Math.min(ms, maxMs) / maxMs) * plotWidth;
  const runHeight = HEADER + DURATIONS_MS.length * ROW;
  const axisY = TOP + MODES.length * runHeight + (MODES.length - 1) * RUN_GAP + 4;
  const height = axisY + AXIS;

  figure.setAttribute('viewBox', `0 0 ${width} ${height}`);
  figure.setAttribute('width', width);
  figure.setAttribute('height', height);
  const children = [];

  // Hatching for cancelled tasks.
  const pattern = svg('pattern', {
    id: 'gather-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)',
  });
  pattern.append(svg('rect', { class: 'hatch-bg', width: 6, height: 6 }), svg('line', { class: 'hatch', x1: 0, y1: 0, x2: 0, y2: 6 }));
  const defs = svg('defs');
  defs.append(pattern);
  children.push(defs);

  // Axis: grid lines through both runs, ticks and labels in seconds.
  const step = tickStep(maxMs, Math.min(6, Math.max(2, Math.floor(plotWidth / 60))));
  const axis = svg('g', { class: 'axis' });
  for (let t = 0; t <= maxMs + 0.5; t += step) {
    const tx = x(t);
    axis.append(
      svg('line', { class: 'grid', x1: tx, y1: TOP, x2: tx, y2: axisY }),
      svg('line', { class: 'tick', x1: tx, y1: axisY, x2: tx, y2: axisY + 5 }),
      svg('text', { x: tx, y: axisY + 18, 'text-anchor': t === 0 ? 'start' : 'middle' }, `${+(t / 1000).toFixed(2)} s`),
    );
  }
  axis.append(svg('line', { class: 'baseline', x1: GUTTER, y1: axisY, x2: width - RIGHT, y2: axisY }));
  children.push(axis);

  MODES.forEach((mode, m) => {
    const top = TOP + m * (runHeight + RUN_GAP);
    const run = runs[mode];
    const group = svg('g', { class: 'run', 'data-mode': mode });
    const [title] = describeRun(mode);
    group.append(svg('text', { class: 'run-title', x: 0, y: top + 15 }, title));
    DURATIONS_MS.forEach((durationMs, i) => {
      const y = top + HEADER + i * ROW;
      group.append(svg('text', { class: 'task-label', x: 0, y: y + BAR - 2 }, `task ${i}`));
      group.append(svg('rect', { class: 'lane', x: GUTTER, y, width: plotWidth, height: BAR, rx: 3 }));
      const task = run?.report?.tasks[i] ?? live[mode]?.[i];
      if (!task) return;
      const kind = outcome(task);
      if (kind === 'not-started') {
        group.append(svg('text', { class: 'not-started', x: GUTTER + 6, y: y + BAR - 3, 'data-task': i }, 'never started'));
        return;
      }
      const bar = svg('rect', {
        class: `bar ${kind}`,
        'data-task': i,
        'data-outcome': kind,
        x: x(task.startMs),
        y,
        width: Math.max(2, x(task.endMs) - x(task.startMs)),
        height: BAR,
        rx: 3,
      });
      bar.append(svg('title', {}, describeTask(task)));
      group.append(bar);
      if (kind !== 'ok' && kind !== 'running') {
        const mark = kind === 'failed' ? '✕ failed' : 'cancelled';
        const endX = x(task.endMs);
        // A failed bar carries its note inside; a hatched one reads better beside it.
        const roomAfter = GUTTER + plotWidth - endX > 70;
        const inside = kind === 'failed' ? endX - GUTTER > 80 : !roomAfter;
        group.append(svg('text', {
          class: `bar-note ${kind}`,
          x: inside ? endX - 6 : endX + 6,
          y: y + BAR - 3,
          'text-anchor': inside ? 'end' : 'start',
        }, mark));
      }
    });
    children.push(group);
  });

  figure.replaceChildren(...children);
  const described = MODES.map((mode) => {
    const report = runs[mode]?.report;
    const [title] = describeRun(mode);
    return report ? `${title}; ${report.tasks.map(describeTask).join('; ')}` : title;
  });
  figure.setAttribute('aria-label', `Timeline of the last runs. ${described.join('. ')}.`);
}

function render() {
  for (const mode of MODES) {
    const [title, note] = describeRun(mode);
    $(`gather-total-${mode}`).textContent = title;
    $(`gather-outcome-${mode}`).textContent = note;
    $(`gather-outcome-${mode}`).dataset.state = runs[mode]?.error ? 'error' : '';
  }
  const busy = MODES.some((mode) => runs[mode]?.running);
  for (const id of ['gather-sequential', 'gather-concurrent', 'gather-both', 'gather-fail', 'gather-on-error']) {
    $(id).disabled = busy;
  }
  const [sequential, concurrent] = MODES.map((mode) => runs[mode]?.report);
  const compare = $('gather-compare');
  const failedFast = MODES.some((mode) => runs[mode]?.error);
  if (sequential && concurrent && !busy && failedFast) {
    compare.textContent = `failFast stops a run at the first failure: the sequential run after ${formatSeconds(sequential.totalMs)} (later tasks never started), the concurrent one after ${formatSeconds(concurrent.totalMs)} (tasks still running were cancelled).`;
  } else if (sequential && concurrent && !busy) {
    const ratio = sequential.totalMs / concurrent.totalMs;
    compare.textContent = `Sequential took ${formatSeconds(sequential.totalMs)}, concurrent ${formatSeconds(concurrent.totalMs)}: ${ratio.toFixed(1)}× faster, because waiting needs no thread. All three timers ran on this one thread; gather only started them together.`;
  } else {
    compare.textContent = 'Run both to compare: the concurrent run starts all three timers at once and waits for them together.';
  }
  drawTimeline();
}

/**
 * The tasks of a run in progress, as far as measured: each sleep that ended
 * since the run started (the live timeline's samples) is a finished task;
 * the rest are running since the run began (together) or since the last one
 * ended (in a row; the ones after it have not started).
 */
function liveTasks(mode, now) {
  const { startedAt, durations, failIndex } = runs[mode];
  const ended = (scope?.samples ?? [])
    .filter((s) => s.type === 'sleep' && s.start >= startedAt - 5 && s.duration >= 100);
  // Together, a sleep is the task whose length it had (they all began at once).
  const taken = new Set();
  const ofLength = (ms) => {
    const match = ended.find((s) => !taken.has(s) && Math.abs(s.start - startedAt) < 50 && Math.abs(s.duration - ms) < 100);
    if (match) taken.add(match);
    return match;
  };
  const tasks = [];
  let previousEnd = startedAt;
  durations.forEach((ms, i) => {
    const done = mode === 'sequential'
      ? previousEnd !== null && ended.find((s) => Math.abs(s.start - previousEnd) < 50)
      : ofLength(ms);
    if (done) {
      previousEnd = done.start + done.duration;
      const ok = i !== failIndex; // the failing task throws once its sleep ends
      tasks.push({
        index: i, ok, error: ok ? null : 'failed on purpose', startMs: done.start - startedAt, endMs: previousEnd - startedAt,
      });
    } else if (mode === 'concurrent' || previousEnd !== null) {
      const from = mode === 'concurrent' ? startedAt : previousEnd;
      tasks.push({ index: i, running: true, startMs: from - startedAt, endMs: now - startedAt });
      if (mode === 'sequential') previousEnd = null; // the next ones have not started
    } else {
      tasks.push(null);
    }
  });
  return tasks;
}

/** Redraws the runs every frame while one goes on. */
function animate() {
  if (!MODES.some((mode) => runs[mode]?.running)) return;
  drawTimeline();
  requestAnimationFrame(animate);
}

async function run(modes) {
  const options = { onError: $('gather-on-error').value };
  const failing = $('gather-fail').checked;
  if (failing) options.failIndex = FAIL_INDEX;
  // The failing task fails halfway, while the others still run: so failFast
  // has something to cancel (tasks that end with the failure count as done).
  const durations = DURATIONS_MS.map((ms, index) => (failing && index === FAIL_INDEX ? ms / 2 : ms));
  const failIndex = failing ? FAIL_INDEX : -1;
  for (const mode of modes) runs[mode] = { running: true, startedAt: performance.now(), durations, failIndex };
  render();
  requestAnimationFrame(animate);
  await Promise.all(modes.map(async (mode) => {
    try {
      runs[mode] = { report: await gatherSleeps(durations, { ...options, mode }), error: null };
    } catch (error) {
      // failFast rejects with an Error whose `report` still says what each task did.
      runs[mode] = { report: error.report ?? null, error };
    }
    render(); // this run's summary now, the other may still run
  }));
}

/**
 * Forgets both runs: the comparison is only between runs made with the same
 * options, so a run with the old ones (a failFast run, say) never stands
 * beside a new one.
 */
function forgetRuns() {
  for (const mode of MODES) runs[mode] = null;
  render();
}

/** Wires the panel; `timeline` is the page's live timeline (its samples). */
export function setupGather(timeline) {
  scope = timeline;
  $('gather-fail').addEventListener('change', forgetRuns);
  $('gather-on-error').addEventListener('change', forgetRuns);
  $('gather-sequential').addEventListener('click', () => run(['sequential']));
  $('gather-concurrent').addEventListener('click', () => run(['concurrent']));
  $('gather-both').addEventListener('click', () => run(MODES));
  addEventListener('resize', drawTimeline);
  render();
  return { runs };
}
