// The "Counter in every tab" panel: a SharedCounter, one counter for every tab
// of this origin. Any tab may start, stop or reset it, and one tab (the
// leader) may hand over to another at any moment: while it runs, the live
// timeline redraws the panel every frame (`running`, `role`, and `count`,
// derived from the shared start time); at rest, another tab's start, stop or
// reset reaches this one as a `storage` event.
import { SharedCounter } from './pkg/demo.js';
import { $, formatInterval, setText } from './format.js';

/** Fixed, not chosen: every tab must count with the same interval. */
export const SHARED_INTERVAL_MS = 500;

const ROLE = {
  leader: 'Leader: this tab runs the ticker',
  follower: 'Follower: another tab runs it',
};

const SOURCE = {
  leader: "from this tab's ticker",
  follower: 'by BroadcastChannel from the leader tab',
};

/** Wires the panel and joins the shared counter; the returned object is the panel's state. */
export function setupSharedCounter() {
  const panel = {
    /** The SharedCounter, or null where this browser cannot make one. */
    counter: null,
    /** The counts delivered to this tab's onTick, and by whom. */
    ticksSeen: 0,
    lastTick: null,

    join() {
      try {
        this.counter = new SharedCounter({ intervalMs: SHARED_INTERVAL_MS });
      } catch (error) {
        this.showNote(`The shared counter is not available in this browser: ${error.message}`);
        for (const id of ['shared-start', 'shared-stop', 'shared-reset']) $(id).disabled = true;
        setText($('shared-role'), 'Unavailable');
        return;
      }
      this.counter.onTick((count) => {
        this.ticksSeen += 1;
        this.lastTick = { count, role: this.counter.role };
        setText($('shared-last-tick'), `${count}, ${SOURCE[this.lastTick.role]}`);
      });
      setText($('shared-name'), this.counter.name);
      setText($('shared-interval'), formatInterval(this.counter.intervalMs));
      this.render();
    },

    showNote(text) {
      const note = $('shared-note');
      note.textContent = text;
      note.hidden = text === '';
    },

    /** Draws the shared state as this tab sees it; cheap enough to run every frame. */
    render() {
      const { counter } = this;
      if (!counter) return;
      const running = counter.running;
      const role = counter.role;
      setText($('shared-count'), String(counter.count));
      const status = $('shared-status');
      setText(status, running ? 'Running' : 'Stopped');
      status.classList.toggle('running', running);
      const roleOut = $('shared-role');
      setText(roleOut, ROLE[role]);
      roleOut.classList.toggle('leader', role === 'leader');
      $('shared-start').disabled = running;
      $('shared-stop').disabled = !running;
    },
  };

  $('shared-start').addEventListener('click', () => {
    panel.counter.start();
    panel.render();
  });
  $('shared-stop').addEventListener('click', () => {
    panel.counter.stop();
    panel.render();
  });
  $('shared-reset').addEventListener('click', () => {
    panel.counter.reset();
    panel.render();
  });

  panel.join();
  // Another tab started, stopped or reset it (the state is in localStorage),
  // or this tab comes back into view: draw what changed.
  addEventListener('storage', () => panel.render());
  document.addEventListener('visibilitychange', () => panel.render());
  return panel;
}
