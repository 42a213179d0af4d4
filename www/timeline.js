// The live timeline at the top of the page: the last 10 s of this tab's
// event loop as a LoopMonitor measures it, one lane per thread of events.
// It runs while something is running (or for 10 s after the last thing that
// happened) and then rests: the monitor is freed and nothing is drawn until
// the next click, so an idle page costs nothing.
import { LoopMonitor } from './pkg/demo.js';
import { $, formatMs, setText } from './format.js';
import { cssColor, freshCanvas } from './canvas.js';

const WINDOW_MS = 10_000;
const REST_AFTER_MS = 10_000;
/** A lag or task this long shades the whole timeline: the thread was blocked. */
const BLOCKED_MS = 250;
const LATE_MS = 16;

const LANES = [
  { key: 'main', label: 'Main thread' },
  { key: 'ticks', label: 'Page counter' },
  { key: 'worker', label: 'Worker thread' },
  { key: 'tabs', label: 'Leader tab' },
  { key: 'tasks', label: 'Tasks' },
];
const LANE_OF = {
  frame: 'main', lag: 'main', 'long-task': 'main', 'long-animation-frame': 'main',
  tick: 'ticks',
  'worker-tick': 'worker', 'blocking-call': 'worker',
  'shared-tick': 'tabs',
  sleep: 'tasks', yield: 'tasks', 'stream-batch': 'tasks', mark: 'tasks',
};

/** The end of a sample: when it was seen to happen. */
const endOf = (sample) => sample.start + sample.duration;

/** Whether a sample says the main thread was blocked. */
const isBlock = (s) => s.type === 'long-task' || (s.type === 'lag' && s.duration >= BLOCKED_MS);

/**
 * The spans the main thread was blocked, from long tasks and very late
 * timers; a long task and the timer it delayed overlap and make one span.
 */
function blockedSpans(samples) {
  const spans = [];
  for (const s of samples.filter(isBlock).sort((a, b) => a.start - b.start)) {
    const last = spans.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, endOf(s));
    else spans.push({ start: s.start, end: endOf(s) });
  }
  return spans;
}

/**
 * Wires the timeline. `isBusy()` says whether anything on the page is
 * running (it stays live meanwhile); `onFrame()` runs on every frame it
 * draws, so the page's readouts can follow along.
 */
export function setupTimeline({ isBusy, onFrame }) {
  const canvas = $('loop-timeline');
  const scope = {
    samples: [],
    monitor: null,
    live: false,
    lastActivity: -Infinity,
    /** The right edge of the picture: now while live, frozen at rest. */
    until: performance.now(),
    lastLag: 0,
    summaryAt: 0,

    /** Something happened (a click, a panel started work): watch. */
    wake() {
      this.lastActivity = performance.now();
      if (this.live) return;
      this.live = true;
      this.monitor = new LoopMonitor({ lagIntervalMs: 100, frames: true });
      this.read(this.monitor);
      setText($('scope-state'), 'Live: measuring this tab\'s event loop now.');
      requestAnimationFrame(frame);
    },

    rest() {
      this.live = false;
      this.monitor?.free(); // ends its stream
      this.monitor = null;
      setText($('scope-state'), 'Resting: nothing has run for 10 s, so nothing is measured. Start a counter or press a button to watch again.');
      this.draw();
      this.describe();
    },

    async read(monitor) {
      const reader = monitor.samples().getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        this.add(value);
      }
    },

    add(sample) {
      if (!LANE_OF[sample.type]) return;
      this.samples.push(sample);
      if (isBlock(sample)) {
        this.summaryAt = 0; // say so at the next frame
      }
      if (sample.type === 'lag') {
        this.lastLag = sample.duration;
        setText($('lag-now'), formatMs(sample.duration));
        const peak = this.peakLag();
        setText($('lag-peak'), formatMs(peak));
        $('lag-peak').classList.toggle('spike', peak > BLOCKED_MS);
      } else if (sample.type !== 'frame') {
        this.lastActivity = Math.max(this.lastActivity, performance.now());
      }
    },

    /** The worst lag in the last 10 s (a long task counts as lag too). */
    peakLag() {
      const since = performance.now() - WINDOW_MS;
      let peak = 0;
      for (const sample of this.samples) {
        if ((sample.type === 'lag' || sample.type === 'long-task') && endOf(sample) >= since) {
          peak = Math.max(peak, sample.duration);
        }
      }
      return peak;
    },

    draw() {
      drawTimeline(canvas, this.samples, this.until, this.live);
    },

    /** The picture in words, for screen readers (at most once a second). */
    describe() {
      const since = this.until - WINDOW_MS;
      const count = (type) => this.samples.filter((s) => s.type === type && endOf(s) >= since).length;
      const parts = [`${count('frame')} frames painted`, `worst timer lag ${formatMs(this.peakLag())}`];
      const blocked = blockedSpans(this.samples.filter((s) => endOf(s) >= since));
      if (blocked.length) {
        const longest = Math.max(...blocked.map((span) => span.end - span.start));
        parts.push(`main thread blocked ${blocked.length} ${blocked.length === 1 ? 'time' : 'times'}, longest ${formatMs(longest)}`);
      }
      parts.push(`${count('tick')} page counter deliveries`, `${count('worker-tick')} worker ticks`, `${count('shared-tick')} shared ticks`);
      canvas.setAttribute('aria-label', `Event loop timeline, last 10 s${this.live ? '' : ' before it rested'}: ${parts.join(', ')}.`);
    },
  };

  function frame() {
    if (!scope.live) return;
    const now = performance.now();
    scope.until = now;
    const keep = now - WINDOW_MS - 1000;
    if (scope.samples.length && endOf(scope.samples[0]) < keep) {
      scope.samples = scope.samples.filter((sample) => endOf(sample) >= keep);
    }
    onFrame();
    scope.draw();
    if (now - scope.summaryAt > 1000) {
      scope.summaryAt = now;
      scope.describe();
    }
    if (isBusy()) scope.lastActivity = now;
    if (now - scope.lastActivity > REST_AFTER_MS) {
      scope.rest();
      return;
    }
    requestAnimationFrame(frame);
  }

  // Any press of a control is something to watch.
  document.addEventListener('click', (event) => {
    if (event.target.closest('button, input, select')) scope.wake();
  }, { capture: true });
  addEventListener('resize', () => scope.draw());
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => scope.draw());
  scope.draw();
  return scope;
}

/** Greedy rows for bars that overlap in time: the row of each bar. */
function rowsFor(bars, maxRows) {
  const ends = [];
  return bars.map((bar) => {
    let row = ends.findIndex((end) => end <= bar.start);
    if (row === -1) row = ends.length < maxRows ? ends.length : ends.indexOf(Math.min(...ends));
    ends[row] = endOf(bar);
    return row;
  });
}

function drawTimeline(canvas, samples, until, live) {
  const { ctx, width, height, ratio } = freshCanvas(canvas);
  const phone = canvas.clientWidth < 520;
  const labelWidth = (phone ? 74 : 104) * ratio;
  const axisHeight = 18 * ratio;
  const laneHeight = (height - axisHeight) / LANES.length;
  const plotWidth = width - labelWidth;
  const from = until - WINDOW_MS;
  const x = (t) => labelWidth + ((t - from) / WINDOW_MS) * plotWidth;
  const laneTop = Object.fromEntries(LANES.map((lane, i) => [lane.key, i * laneHeight]));
  const font = (px, weight = '') => `${weight} ${px * ratio}px system-ui, sans-serif`;
  const colors = {
    grid: cssColor('--plot-grid'), text: cssColor('--muted'), ink: cssColor('--text'),
    frame: cssColor('--scope-frame'), late: cssColor('--plot-late'), spike: cssColor('--plot-spike'),
    shade: cssColor('--scope-shade'), tick: cssColor('--scope-tick'), task: cssColor('--scope-task'),
    lane: cssColor('--lane-fill'),
  };

  // Lanes, their labels, and the time axis.
  ctx.textBaseline = 'middle';
  LANES.forEach((lane, i) => {
    if (i % 2 === 0) {
      ctx.fillStyle = colors.lane;
      ctx.fillRect(labelWidth, i * laneHeight, plotWidth, laneHeight);
    }
    ctx.fillStyle = colors.ink;
    ctx.font = font(phone ? 11 : 12, '600');
    ctx.fillText(lane.label, 4 * ratio, i * laneHeight + laneHeight / 2);
  });
  ctx.strokeStyle = colors.grid;
  ctx.lineWidth = ratio;
  ctx.fillStyle = colors.text;
  ctx.font = font(11);
  ctx.textBaseline = 'top';
  for (let s = 0; s <= 10; s += phone ? 2 : 1) {
    const t = until - s * 1000;
    const px = Math.round(x(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(px, 0);
    ctx.lineTo(px, height - axisHeight);
    ctx.stroke();
    const label = s === 0 ? (live ? 'now' : 'rested') : `−${s} s`;
    const textWidth = ctx.measureText(label).width;
    ctx.fillText(label, Math.min(width - textWidth - 2 * ratio, Math.max(labelWidth, px - textWidth / 2)), height - axisHeight + 4 * ratio);
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(labelWidth, 0, plotWidth, height);
  ctx.clip();
  const visible = samples.filter((s) => endOf(s) >= from && s.start <= until);

  // The thread was blocked: shade the whole height, and say how long.
  for (const span of blockedSpans(visible)) {
    const left = x(span.start);
    const right = x(span.end);
    ctx.fillStyle = colors.shade;
    ctx.fillRect(left, 0, Math.max(ratio, right - left), height - axisHeight);
    if (right - left > 60 * ratio) {
      ctx.fillStyle = colors.spike;
      ctx.font = font(11, '600');
      ctx.fillText(`blocked ${formatMs(span.end - span.start)}`, left + 4 * ratio, laneTop.ticks + 2 * ratio);
    }
  }

  const sleeps = visible.filter((s) => s.type === 'sleep' || s.type === 'mark');
  const sleepRows = rowsFor(sleeps, 3);
  const mid = (lane) => laneTop[lane] + laneHeight / 2;
  const dot = (cx, cy, r, color) => {
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(cx, cy, r * ratio, 0, Math.PI * 2);
    ctx.fill();
  };
  let foldLabelEnd = -Infinity; // a fold's label does not cover the one before it
  for (const s of visible) {
    const lane = LANE_OF[s.type];
    const top = laneTop[lane];
    switch (s.type) {
      case 'frame': {
        ctx.fillStyle = colors.frame;
        ctx.fillRect(x(endOf(s)), top + laneHeight * 0.15, ratio, laneHeight * 0.3);
        break;
      }
      case 'lag':
        if (s.duration > LATE_MS) {
          ctx.fillStyle = s.duration >= BLOCKED_MS ? colors.spike : colors.late;
          ctx.fillRect(x(s.start), top + laneHeight * 0.55, Math.max(2 * ratio, x(endOf(s)) - x(s.start)), laneHeight * 0.3);
        }
        break;
      case 'long-task':
      case 'long-animation-frame': {
        if (s.type === 'long-animation-frame' && visible.some((t) => t.type === 'long-task' && Math.abs(t.start - s.start) < 20)) break;
        ctx.fillStyle = colors.spike;
        ctx.fillRect(x(s.start), top + laneHeight * 0.55, Math.max(2 * ratio, x(endOf(s)) - x(s.start)), laneHeight * 0.3);
        break;
      }
      case 'tick': {
        const cx = x(endOf(s));
        if (s.duration > LATE_MS) {
          ctx.strokeStyle = colors.late;
          ctx.lineWidth = 2 * ratio;
          ctx.beginPath();
          ctx.moveTo(x(s.start), mid(lane));
          ctx.lineTo(cx, mid(lane));
          ctx.stroke();
        }
        dot(cx, mid(lane), s.missed > 0 ? 5 : 3.5, colors.tick);
        if (s.missed > 0 && cx >= foldLabelEnd) {
          ctx.fillStyle = colors.ink;
          ctx.font = font(11, '600');
          foldLabelEnd = cx + 8 * ratio + ctx.measureText(`+${s.missed}`).width;
          // Above the row of dots, which would cover it.
          ctx.textBaseline = 'bottom';
          ctx.fillText(`+${s.missed}`, cx + 4 * ratio, mid(lane) - 5 * ratio);
          ctx.textBaseline = 'top';
        }
        break;
      }
      case 'worker-tick':
        dot(x(s.start), mid(lane), 3.5, colors.tick);
        break;
      case 'shared-tick':
        dot(x(endOf(s)), mid(lane), 3.5, s.leader ? colors.tick : colors.task);
        break;
      case 'blocking-call':
        ctx.fillStyle = s.ok ? colors.task : colors.spike;
        ctx.fillRect(x(s.start), top + laneHeight * 0.6, Math.max(2 * ratio, x(endOf(s)) - x(s.start)), laneHeight * 0.25);
        break;
      case 'yield':
        ctx.fillStyle = colors.text;
        ctx.fillRect(x(s.start), top + 2 * ratio, ratio, laneHeight * 0.2);
        break;
      case 'stream-batch':
        dot(x(s.start), top + laneHeight * 0.8, 2.5, colors.tick);
        break;
      default:
        break;
    }
  }
  sleeps.forEach((s, i) => {
    const rowHeight = (laneHeight * 0.62) / 3;
    const top = laneTop.tasks + laneHeight * 0.26 + sleepRows[i] * rowHeight;
    ctx.fillStyle = colors.task;
    ctx.fillRect(x(s.start), top, Math.max(2 * ratio, x(endOf(s)) - x(s.start)), rowHeight - ratio);
  });
  ctx.restore();
}
