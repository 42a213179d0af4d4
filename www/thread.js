// The "Counter in a Web Worker" panel: a ThreadCounter, the same drift-free
// counter running on its own thread. Its worker is made on the first Start
// (a visitor who never starts it downloads no worker). While it runs, the
// live timeline redraws the panel every frame, reading the count (from
// shared memory when the page is cross-origin isolated), so what the page
// shows is current whenever the page can paint; at rest it is drawn only
// when something changes.
import { ThreadCounter } from './pkg/demo.js';
import { $, formatInterval, setText } from './format.js';

const SHARING = {
  shared: 'SharedArrayBuffer + Atomics.load (page is cross-origin isolated)',
  message: globalThis.crossOriginIsolated
    ? 'postMessage (this browser has no SharedArrayBuffer, even on this cross-origin isolated page)'
    : 'postMessage (page is not cross-origin isolated, so no SharedArrayBuffer)',
};

/** Whether a ThreadCounter made now will share its count through memory. */
const SHARED_MEMORY_EXPECTED = Boolean(globalThis.crossOriginIsolated) && typeof SharedArrayBuffer === 'function';

/**
 * Wires the panel; `create(intervalMs)` sets the interval of its next worker.
 * `onBusyChange(busy)` is called whenever the thread counter starts or stops
 * being busy (running, or a start/stop on its way; a crash ends it), so the
 * page can lock the Interval select the two counters share.
 */
export function setupThreadCounter({ onBusyChange }) {
  const panel = {
    /** The ThreadCounter, or null until the first Start (or after the interval changed). */
    counter: null,
    intervalMs: 1000,
    /** A start() or stop() is on its way to the worker. */
    pending: false,
    /** The crashed counter whose crash the note explains. */
    crashNoted: null,
    wasBusy: false,

    /** Sets the interval: the worker (if any) goes, the next Start makes a new one. */
    create(intervalMs) {
      this.counter?.free();
      this.counter = null;
      this.intervalMs = intervalMs;
      this.showNote('');
      setText($('thread-sharing'), SHARED_MEMORY_EXPECTED ? SHARING.shared : SHARING.message);
      this.render();
    },

    /** Makes a new, stopped worker ticking every `intervalMs`. */
    spawn() {
      this.counter?.free();
      this.counter = new ThreadCounter({ intervalMs: this.intervalMs });
      this.counter.onTick(() => this.render());
      this.showNote('');
      setText($('thread-sharing'), this.counter.sharedMemory ? SHARING.shared : SHARING.message);
      this.render();
    },

    get busy() {
      return Boolean(this.counter?.running) || this.pending;
    },

    async command(name) {
      if (name === 'start' && (!this.counter || this.counter.crashReason !== undefined)) {
        // The first start makes the worker; a crashed one stays down, like
        // a dead process: start a new one.
        this.spawn();
      }
      if (!this.counter) return; // stop before any start: nothing runs
      const { counter } = this;
      this.pending = true;
      this.render();
      try {
        await counter[name]();
        if (counter === this.counter) this.showNote('');
      } catch (error) {
        if (counter !== this.counter) return; // replaced meanwhile: old news
        if (counter.crashReason === undefined) {
          this.showNote(`${name}() was rejected: ${error.message}`);
          return;
        }
        // It crashed while the command was on its way: make a new one.
        this.spawn();
        this.showNote(`${name}() was rejected: ${error.message}. The page made a new worker, ${this.counter.name}: press Start thread counter again.`);
      } finally {
        this.pending = false;
        this.render();
      }
    },

    showNote(text) {
      const note = $('thread-note');
      note.textContent = text;
      note.hidden = text === '';
    },

    /** Draws the counter's state; cheap enough to run every frame while it runs. */
    render() {
      const { counter } = this;
      const running = Boolean(counter?.running);
      const crashed = counter?.crashReason;
      setText($('thread-count'), String(counter?.count ?? 0));
      setText($('thread-name'), counter?.name ?? 'none yet');
      setText($('thread-interval'), formatInterval(counter?.intervalMs ?? this.intervalMs));
      if (crashed !== undefined && this.crashNoted !== counter && !this.pending) {
        this.crashNoted = counter;
        this.showNote('The worker crashed and stays down, like a dead process: its count stops here. Start thread counter makes a new worker.');
      }
      const status = $('thread-status');
      let text = 'Stopped';
      if (crashed !== undefined) text = `Crashed: ${crashed}`;
      else if (this.pending) text = running ? 'Stopping…' : 'Starting…';
      else if (running) text = 'Running';
      setText(status, text);
      status.classList.toggle('running', running);
      status.classList.toggle('crashed', crashed !== undefined);
      $('thread-start').disabled = running || this.pending;
      $('thread-stop').disabled = !running || this.pending;
      $('thread-crash').disabled = !counter || crashed !== undefined;
      if (this.busy !== this.wasBusy) {
        this.wasBusy = this.busy;
        onBusyChange(this.busy);
      }
    },
  };

  $('thread-start').addEventListener('click', () => panel.command('start'));
  $('thread-stop').addEventListener('click', () => panel.command('stop'));
  $('thread-crash').addEventListener('click', () => {
    panel.counter.simulateCrash();
    panel.render();
  });

  return panel;
}
