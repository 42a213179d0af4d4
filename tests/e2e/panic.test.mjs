// A Rust panic (a bug: no input may reach one) in headless Chromium: the call
// throws, the page shows the message in a banner, and from then on new work
// is refused with a PanicError (nothing hangs) while reads and clean-up still
// work. The panic comes from the `simulatePanic` export, which exists for this.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoPerFile } from './harness.mjs';

const demo = demoPerFile();

test('a panic shows a banner, then new work is refused with a PanicError and nothing hangs', async () => {
  const { context, page, problems } = await demo.open();
  try {
    const banner = page.locator('#panic-banner');
    assert.equal(await banner.isHidden(), true, 'no banner before a panic');

    const outcome = await page.evaluate(async () => {
      const m = await import('/pkg/demo.js');
      const settle = (promise) => Promise.race([
        promise.then((value) => `resolved ${value}`, (error) => `${error.name}: ${error.message}`),
        new Promise((resolve) => setTimeout(() => resolve('hung'), 3000)),
      ]);
      const attempt = (call) => {
        try {
          return `returned ${call()}`;
        } catch (error) {
          return `${error.name}: ${error.message}`;
        }
      };
      const before = new m.CounterWorker({ intervalMs: 20 });
      before.start();
      const thread = new m.ThreadCounter({ intervalMs: 20 });
      await thread.start();
      const shared = new m.SharedCounter({ name: `panic-${Math.random()}`, intervalMs: 20 });
      shared.start();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const reader = m.countStream(1000, { highWaterMark: 1 }).getReader();
      await reader.read();
      let thrown;
      try {
        m.simulatePanic('<b>a test bug</b>');
      } catch (error) {
        thrown = error.constructor.name;
      }
      const refused = {
        start: attempt(() => before.start()),
        construct: attempt(() => new m.CounterWorker()),
        sync: attempt(() => m.invokeSyncSteps('again')),
        ticks: attempt(() => before.ticks()),
        onTick: attempt(() => before.onTick(() => {})),
        reset: attempt(() => before.reset()),
        threadStart: await settle(thread.start()),
        threadReset: await settle(thread.reset()),
        threadTicks: attempt(() => thread.ticks()),
        threadOnTick: attempt(() => thread.onTick(() => {})),
        threadConstruct: attempt(() => new m.ThreadCounter()),
        sharedStart: attempt(() => shared.start()),
        sharedReset: attempt(() => shared.reset()),
        sharedTicks: attempt(() => shared.ticks()),
        sharedOnTick: attempt(() => shared.onTick(() => {})),
        sharedConstruct: attempt(() => new m.SharedCounter()),
        async: await settle(m.invokeAsync('again', 10)),
        pull: await settle((async () => {
          for (;;) {
            const { done } = await reader.read();
            if (done) return 'ended';
          }
        })()),
      };
      const threadStopped = await settle(thread.stop());
      const countAfterStop = thread.count;
      await new Promise((resolve) => setTimeout(resolve, 150));
      const cleanup = {
        count: attempt(() => typeof before.count),
        stop: attempt(() => before.stop()),
        free: attempt(() => before.free()),
        threadStop: threadStopped,
        threadStill: thread.count === countAfterStop ? 'the worker stopped' : `it went on: ${countAfterStop} -> ${thread.count}`,
        threadRunning: attempt(() => thread.running),
        threadFree: attempt(() => thread.free()),
        sharedStop: attempt(() => shared.stop()),
        sharedRunning: attempt(() => shared.running),
        sharedFree: attempt(() => shared.free()),
      };
      return { thrown, refused, cleanup };
    });

    assert.equal(outcome.thrown, 'RuntimeError', 'the panicking call throws a trap to its caller');
    for (const [what, result] of Object.entries(outcome.refused)) {
      assert.match(result, /^PanicError: loopbridge panicked .*a test bug.*reload the page/, `${what} is refused`);
    }
    assert.deepEqual(outcome.cleanup, {
      count: 'returned number',
      stop: 'returned true',
      free: 'returned undefined',
      threadStop: 'resolved true',
      threadStill: 'the worker stopped',
      threadRunning: 'returned false',
      threadFree: 'returned undefined',
      sharedStop: 'returned true',
      sharedRunning: 'returned false',
      sharedFree: 'returned undefined',
    }, 'a page can still read, stop and clean up on every class');

    await banner.waitFor({ state: 'visible' });
    const shown = await banner.textContent();
    assert.match(shown, /panicked .*<b>a test bug<\/b>/, 'the message is shown as text');
    assert.match(shown, /refuses new work .*stop and free still work/, 'the banner says what really happens');
    assert.equal(await banner.locator('b').count(), 0, 'markup in the message is not parsed');
    // The panic is reported on the console on purpose; nothing else went wrong.
    assert.deepEqual(problems.filter((p) => !p.includes('panicked')), []);
  } finally {
    await context.close();
  }
});
