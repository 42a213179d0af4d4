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
      const m = await import('/pkg/loopbridge.js');
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
        async: await settle(m.invokeAsync('again', 10)),
        pull: await settle((async () => {
          for (;;) {
            const { done } = await reader.read();
            if (done) return 'ended';
          }
        })()),
      };
      const cleanup = {
        count: attempt(() => typeof before.count),
        stop: attempt(() => before.stop()),
        free: attempt(() => before.free()),
      };
      return { thrown, refused, cleanup };
    });

    assert.equal(outcome.thrown, 'RuntimeError', 'the panicking call throws a trap to its caller');
    for (const [what, result] of Object.entries(outcome.refused)) {
      assert.match(result, /^PanicError: loopbridge panicked .*a test bug.*reload the page/, `${what} is refused`);
    }
    assert.deepEqual(outcome.cleanup, {
      count: 'returned number', stop: 'returned true', free: 'returned undefined',
    }, 'a page can still read and clean up');

    await banner.waitFor({ state: 'visible' });
    const shown = await banner.textContent();
    assert.match(shown, /panicked .*<b>a test bug<\/b>/, 'the message is shown as text');
    assert.equal(await banner.locator('b').count(), 0, 'markup in the message is not parsed');
    // The panic is reported on the console on purpose; nothing else went wrong.
    assert.deepEqual(problems.filter((p) => !p.includes('panicked')), []);
  } finally {
    await context.close();
  }
});
