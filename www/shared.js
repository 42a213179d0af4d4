// The "Counter in every tab" panel: a SharedCounter, one counter for every tab
// of this origin. Any tab may start, stop or reset it, and one tab (the
// leader) may hand over to another at any moment. The panel draws when the
// counter says something changed (onChange: a start, stop or reset in any
// tab, or this tab taking or losing the lead) and on each tick (onTick); while the live
// timeline runs it also redraws every frame, so `count` (derived from the
// shared start time) moves smoothly. At rest it costs nothing.
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

/**
 * Wires the panel and joins the shared counter; the returned object is the
 * panel's state. `onChange()` runs after each redraw caused by the counter
 * (a tick, or a start, stop, reset or new role), for what else shows it.
 */
export function setupSharedCounter({ onChange }) {
  const panel = {
    /** The SharedCounter, or null where this browser cannot make one. */
    counter: null,
    /** The counts delivered to this tab's onTick, and by whom. */
    ticksSeen: 0,
    /** The calls of this tab's onChange. */
    changesSeen: 0,
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
        this.render();
        onChange();
      });
      this.counter.onChange(() => {
        this.changesSeen += 1;
        this.render();
        onChange();
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
  // The count moved on while this tab was hidden.
  document.addEventListener('visibilitychange', () => panel.render());
  return panel;
}
