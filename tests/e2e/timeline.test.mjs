// The live timeline at the top of the page: after a block it holds, in one
// picture, the blocked 2 s, the main thread's frames stopping, the worker
// ticking through it and the page counter's one catch-up delivery; each
// panel's work shows up on it; and it rests when nothing runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, PHONE, demoPerFile, horizontalOverflow, screenshotPath } from './harness.mjs';

const demo = demoPerFile();
const WAIT = { timeout: 20000 };

/** The timeline's samples of `type` (all, or those that `where` keeps). */
function samples(page, type) {
  return page.evaluate((t) => globalThis.loopbridgeDemo.scope.samples.filter((s) => s.type === t), type);
}

test('after a block: the shaded 2 s, no frame meanwhile, the worker ticking through it, one catch-up delivery', async () => {
  const { context, page, problems } = await demo.open();
  try {
    assert.equal(await page.evaluate(() => globalThis.loopbridgeDemo.scope.live), false, 'at rest the timeline is not running');
    assert.match(await page.locator('#scope-state').textContent(), /^Resting/);
    await page.getByRole('button', { name: 'Start the counters' }).click();
    await page.waitForFunction(() => globalThis.loopbridgeDemo.thread.counter.count >= 2
      && globalThis.loopbridgeDemo.counter.worker.count >= 2, null, WAIT);
    assert.match(await page.locator('#scope-state').textContent(), /^Live/);
    assert.equal(await page.getByRole('button', { name: 'Stop the counters' }).count(), 1);

    await page.getByRole('button', { name: 'Block the main thread for 2 s' }).click();
    await page.waitForFunction(() => /busy for/.test(document.getElementById('explanation').textContent), null, WAIT);
    await page.waitForTimeout(300);
    const block = await page.evaluate(() => globalThis.loopbridgeDemo.lastBlock);
    const blocked = (await page.evaluate(() => globalThis.loopbridgeDemo.scope.samples))
      .filter((s) => (s.type === 'long-task' || s.type === 'lag') && s.duration >= 1500);
    assert.ok(blocked.length >= 1, 'a long task or a timer 1.5 s late marks the block');
    const start = Math.min(...blocked.map((s) => s.start));
    const end = Math.max(...blocked.map((s) => s.start + s.duration));
    assert.ok(end - start >= 1900, `the shaded span covers the 2 s block (${end - start} ms)`);

    const frames = await samples(page, 'frame');
    const inside = frames.filter((f) => f.start + f.duration > start + 100 && f.start + f.duration < end - 100);
    assert.deepEqual(inside, [], 'no frame was painted during the block');
    assert.ok(frames.some((f) => f.duration >= 1500), 'one frame interval spans the block');

    const workerTicks = (await samples(page, 'worker-tick')).filter((s) => s.start > start && s.start < end);
    assert.ok(workerTicks.length >= 1, `the worker ticked during the block (${workerTicks.length})`);
    const catchUp = (await samples(page, 'tick')).find((s) => s.missed >= 1 && s.start + s.duration >= end - 50);
    assert.ok(catchUp, 'the page counter delivered once after the block, folding in its missed ticks');
    assert.ok(catchUp.duration >= 900, `that delivery was late (${catchUp.duration} ms)`);
    assert.equal(catchUp.count, block.countRightAfter, 'carrying the count measured right after the block');
    const label = await page.locator('#loop-timeline').getAttribute('aria-label');
    assert.match(label, /main thread blocked 1 time, longest 2\.\d\d s/);
    assert.match(label, /worker ticks/);

    await page.locator('section[aria-labelledby="scope-title"]').screenshot({ path: screenshotPath('timeline-block-desktop') });
    await page.setViewportSize(PHONE);
    assert.equal(await horizontalOverflow(page), 0);
    await page.locator('section[aria-labelledby="scope-title"]').screenshot({ path: screenshotPath('timeline-block-phone') });
    await page.setViewportSize(DESKTOP);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the panels draw their work on the timeline: stream chunks, sleeps in a row vs overlapping, yields vs one long task, the JSPI wait, worker calls', async () => {
  const { context, page, problems } = await demo.open();
  try {
    const sleepsOf = async (mode) => {
      const since = await page.evaluate(() => performance.now());
      await page.getByRole('button', { name: `Run ${mode}` }).click();
      await page.waitForFunction((m) => globalThis.loopbridgeDemo.scope.samples
        .filter((s) => s.type === 'sleep' && s.duration >= 900).length >= 3
        && !document.getElementById(`gather-${m}`).disabled, mode, WAIT);
      return (await samples(page, 'sleep')).filter((s) => s.start >= since && s.duration >= 900).sort((a, b) => a.start - b.start);
    };
    const inARow = await sleepsOf('sequential');
    assert.equal(inARow.length, 3, 'three 1 s sleeps');
    await page.evaluate(() => { globalThis.loopbridgeDemo.scope.samples.length = 0; });
    const together = await sleepsOf('concurrent');
    assert.equal(together.length, 3, 'three 1 s sleeps');
    for (let i = 1; i < 3; i += 1) {
      assert.ok(inARow[i].start >= inARow[i - 1].start + inARow[i - 1].duration - 5, 'sequential: each starts when the last ended');
      assert.ok(Math.abs(together[i].start - together[0].start) < 50, 'concurrent: all start together');
    }

    await page.getByRole('button', { name: 'Stream', exact: true }).click();
    await page.waitForFunction(() => /^Done/.test(document.getElementById('stream-status').textContent), null, WAIT);
    const chunks = (await samples(page, 'stream-batch')).reduce((sum, s) => sum + s.chunks, 0);
    const shown = await page.locator('#stream-output > *').count();
    assert.equal(chunks, shown, 'every chunk shown was a batch on the timeline');

    await page.getByRole('button', { name: 'yieldingWork(2000, 16)' }).click();
    await page.waitForFunction(() => /took/.test(document.getElementById('yield-result').textContent), null, WAIT);
    assert.ok((await samples(page, 'yield')).length >= 50, 'yieldingWork gave the loop a turn every slice');

    // busyWait is one long task, the blocked span; yieldingWork above was many small ones.
    const beforeBusy = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'busyWait(2000)' }).click();
    await page.waitForFunction(() => /took/.test(document.getElementById('busy-result').textContent), null, WAIT);
    const longTasks = (await samples(page, 'long-task')).filter((s) => s.start >= beforeBusy - 50);
    assert.equal(longTasks.filter((s) => s.duration >= 1900).length, 1, 'busyWait: one long task of 2 s');

    // The sync Rust pipeline (JSPI): its wait is a span, with the page counter ticking inside it.
    assert.equal(await page.evaluate(() => typeof WebAssembly.Suspending), 'function', "Debian's Chromium has JSPI");
    await page.getByRole('button', { name: 'Run the sync pipeline', exact: true }).click();
    await page.waitForFunction(() => /^Returned after/.test(document.getElementById('jspi-status').textContent), null, WAIT);
    const [pipeline] = (await samples(page, 'mark')).filter((s) => /JSPI/.test(s.name));
    assert.ok(pipeline && pipeline.duration >= 1400, `the pipeline's 3 x 500 ms wait is on the timeline: ${JSON.stringify(pipeline)}`);
    const inside = (await samples(page, 'tick')).filter((t) => t.start > pipeline.start && t.start < pipeline.start + pipeline.duration);
    assert.ok(inside.length >= 10, `the page counter ticked ${inside.length} times while sync Rust waited`);

    await page.getByRole('button', { name: 'Run the sync loop in a worker' }).click();
    await page.waitForFunction(() => /^Done|^Finished|5 results/.test(document.getElementById('blocking-status').textContent), null, WAIT);
    const calls = await samples(page, 'blocking-call');
    assert.equal(calls.length, 5, 'five blocking calls, each from request to answer');
    assert.ok(calls.every((c) => c.ok && c.duration >= 250), 'each answered after invokeAsync\'s 300 ms');
    await page.locator('section[aria-labelledby="scope-title"]').screenshot({ path: screenshotPath('timeline-panels-desktop') });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('with nothing running the timeline rests: the monitor is freed and nothing is drawn', async () => {
  const { context, page, problems } = await demo.open();
  try {
    await page.getByRole('button', { name: 'await invokeAsync(\'hello\')' }).click();
    assert.equal(await page.evaluate(() => globalThis.loopbridgeDemo.scope.live), true, 'a click wakes it');
    await page.waitForFunction(() => !globalThis.loopbridgeDemo.scope.live, null, { timeout: 20000 });
    assert.equal(await page.evaluate(() => globalThis.loopbridgeDemo.scope.monitor), null);
    assert.match(await page.locator('#scope-state').textContent(), /^Resting/);
    assert.match(await page.locator('#loop-timeline').getAttribute('aria-label'), /before it rested/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
