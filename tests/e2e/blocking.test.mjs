// The "Sync code in a worker" panel in headless Chromium: a plain sync Rust
// loop in a BlockingWorker blocks on the page's invokeAsync once per call,
// results arrive in order as they come, errors keep their name and message,
// a missed timeout is a TimeoutError whose late answer is ignored, the page
// stays responsive meanwhile, and a page that is not cross-origin isolated
// says what is missing. Clicks by role and name; bounds on time are generous.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DESKTOP, PHONE, demoPerFile, horizontalOverflow, openDemo, screenshotPath, serve, unnamedControls,
} from './harness.mjs';

const demo = demoPerFile();

const WAIT = { timeout: 15000 };
const RUN = 'Run the sync loop in a worker';
const PANEL = 'section[aria-labelledby="blocking-title"]';

const button = (page, name) => page.getByRole('button', { name, exact: true });
const text = (page, id) => page.locator(`#${id}`).textContent();

async function waitForStatus(page, pattern) {
  await page.waitForFunction(
    (source) => new RegExp(source).test(document.getElementById('blocking-status').textContent),
    pattern.source,
    WAIT,
  );
}

/** Every result row: its call label, outcome text, class and blocked ms. */
function rows(page) {
  return page.locator('#blocking-results li').evaluateAll((items) => items.map((item) => ({
    call: item.querySelector('.call').textContent,
    outcome: item.querySelector('.outcome').textContent,
    state: item.className,
    blockedMs: Number(item.dataset.blockedMs),
  })));
}

test('the sync loop: five blocking calls, results in order as they arrive, the page responsive meanwhile', async () => {
  const { page, problems, context } = await demo.open();
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  assert.equal(await text(page, 'blocking-status'), 'Ready.');
  assert.equal(await page.locator('#blocking-note').isVisible(), false);

  await button(page, RUN).click();
  // Results arrive one by one, not all at the end.
  await page.waitForFunction(() => document.querySelectorAll('#blocking-results li').length >= 1, null, WAIT);
  const early = (await rows(page)).length;
  assert.ok(early < 5, `the first result is shown while the loop still runs (${early} rows)`);
  assert.equal(await button(page, RUN).isEnabled(), false, 'one run at a time');
  assert.equal(await button(page, 'Cancel the loop').isEnabled(), true);

  await waitForStatus(page, /^Done: 5 blocking calls/);
  const results = await rows(page);
  assert.deepEqual(results.map(({ call, outcome, state }) => [call, outcome, state]), [0, 1, 2, 3, 4].map((i) => [
    `i = ${i}`, `Done: item ${i}`, 'ok',
  ]));
  for (const { call, blockedMs } of results) {
    assert.ok(blockedMs >= 280 && blockedMs < 1000, `${call}: the worker was blocked ${blockedMs} ms for a 300 ms call`);
  }
  const blockedMs = Number(await page.locator('#blocking-blocked').getAttribute('data-blocked-ms'));
  const lagMs = Number(await page.locator('#blocking-lag').getAttribute('data-lag-ms'));
  const frames = Number(await text(page, 'blocking-frames'));
  assert.ok(blockedMs >= 1450, `the worker was blocked ${blockedMs} ms in total`);
  assert.ok(lagMs < blockedMs / 2, `the page's worst timer lag (${lagMs} ms) is far below the worker's blocked time (${blockedMs} ms)`);
  assert.ok(frames >= 10, `the page kept painting: ${frames} frames`);
  assert.match(await text(page, 'blocking-blocked'), /^1\.\d\d s in 5 calls$/);
  assert.equal(await button(page, RUN).isEnabled(), true);
  assert.equal(await button(page, 'Cancel the loop').isEnabled(), false);

  await page.locator(PANEL).screenshot({ path: screenshotPath('blocking-panel-desktop-light') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('an error on the page reaches the worker with its name and message; a missed timeout is a TimeoutError and its late answer is ignored', async () => {
  const { page, problems, context } = await demo.open();
  await page.getByLabel('Make item 2 fail').check();
  await page.getByLabel('Make item 3 miss its 1 s timeout').check();
  await button(page, RUN).click();
  await waitForStatus(page, /^Done: 5 blocking calls/);

  const results = await rows(page);
  assert.deepEqual(results.map(({ outcome, state }) => [outcome.replace(/;.*/, ''), state]), [
    ['Done: item 0', 'ok'],
    ['Done: item 1', 'ok'],
    ['ValueError: item 2 failed on purpose', 'failed'],
    ['TimeoutError: block_on_page: the page did not answer within 1000 ms', 'failed'],
    ['Done: item 4', 'ok'],
  ], 'the loop carries on after each error, and item 4 gets its own answer');
  assert.match(results[3].outcome, /its answer, if it comes later, is ignored$/);
  const timedOut = results[3].blockedMs;
  assert.ok(timedOut >= 990 && timedOut < 1400, `item 3 waited its 1 s timeout: ${timedOut} ms`);
  // Item 3's answer comes 1.5 s after it was asked for: after the worker gave up.
  await page.waitForFunction(() => document.getElementById('blocking-ignored').textContent === '1', null, WAIT);

  await page.locator(PANEL).screenshot({ path: screenshotPath('blocking-errors-panel-desktop-light') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('Cancel stops the loop in the worker, and the next run works', async () => {
  const { page, problems, context } = await demo.open();
  await button(page, RUN).click();
  await page.waitForFunction(() => document.querySelectorAll('#blocking-results li').length >= 1, null, WAIT);
  await button(page, 'Cancel the loop').click();
  await waitForStatus(page, /^Cancelled after \d calls?: the worker's loop stopped\.$/);
  const shown = (await rows(page)).length;
  await page.waitForTimeout(900); // three more calls' time
  assert.equal((await rows(page)).length, shown, 'no result after Cancel');

  await button(page, RUN).click();
  await waitForStatus(page, /^Done: 5 blocking calls/);
  assert.equal((await rows(page)).length, 5);
  assert.deepEqual(problems, []);
  await context.close();
});

test('without cross-origin isolation the panel says that COOP/COEP are needed', async () => {
  const server = await serve(['--no-isolation']);
  try {
    const { page, problems, context } = await openDemo(demo.browser, server.url);
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    const note = page.locator('#blocking-note');
    assert.equal(await note.isVisible(), true);
    const message = await note.textContent();
    assert.match(message, /^BlockingWorker needs cross-origin isolation \(COOP\/COEP\): .*Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp.* This page is not cross-origin isolated\.$/);
    assert.equal(await button(page, RUN).isEnabled(), false);
    assert.equal(await text(page, 'blocking-status'), 'Unavailable: this page is not cross-origin isolated.');
    assert.equal(await page.getByLabel('Make item 2 fail').isEnabled(), false);
    // The constructor says the same, at once.
    const thrown = await page.evaluate(async () => {
      const { BlockingWorker } = await import('./pkg/demo.js');
      try {
        new BlockingWorker({ handler: async () => 1 });
        return null;
      } catch (error) {
        return `${error.name}: ${error.message}`;
      }
    });
    assert.equal(thrown, `Error: ${message}`);
    await page.locator(PANEL).screenshot({ path: screenshotPath('blocking-no-isolation-panel-desktop-light') });
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await server.stop();
  }
});

test('the cost of one blocking round trip, against awaiting the same resolved Promise on the page', async (t) => {
  const { page, problems, context } = await demo.open();
  const measured = await page.evaluate(async () => {
    const { BlockingWorker } = await import('./pkg/demo.js');
    const worker = new BlockingWorker({ handler: () => Promise.resolve(1) });
    const blocked = async (count) => {
      const times = [];
      for await (const result of worker.runSyncLoop({ count, delayMs: 0 })) times.push(result.blockedMs);
      return times;
    };
    await blocked(200); // warm-up: the worker starts, code gets hot
    const startedAt = performance.now();
    const times = (await blocked(2000)).sort((a, b) => a - b);
    const wallMs = performance.now() - startedAt;
    worker.free();
    const N = 200000;
    const awaitStart = performance.now();
    for (let i = 0; i < N; i += 1) await Promise.resolve(1);
    const awaitMs = (performance.now() - awaitStart) / N;
    const at = (q) => times[Math.floor(q * (times.length - 1))];
    return { median: at(0.5), p10: at(0.1), p90: at(0.9), perCallWall: wallMs / times.length, awaitMs };
  });
  const us = (ms) => `${(ms * 1000).toFixed(1)} µs`;
  t.diagnostic(`blocking round trip (worker block_on_page of Promise.resolve(1)): median ${us(measured.median)}, p10 ${us(measured.p10)}, p90 ${us(measured.p90)}; wall time per loop call ${us(measured.perCallWall)}`);
  t.diagnostic(`await Promise.resolve(1) on the page: ${(measured.awaitMs * 1e6).toFixed(0)} ns each, about ${Math.round(measured.median / measured.awaitMs)}× less than the blocking round trip`);
  assert.ok(measured.median > 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the panel: named controls, no overflow, light and dark, desktop and phone', async () => {
  for (const [name, viewport, colorScheme] of [
    ['blocking-desktop-light', DESKTOP, 'light'],
    ['blocking-desktop-dark', DESKTOP, 'dark'],
    ['blocking-phone-light', PHONE, 'light'],
    ['blocking-phone-dark', PHONE, 'dark'],
  ]) {
    const { page, problems, context } = await demo.open({ viewport, colorScheme });
    assert.deepEqual(await unnamedControls(page), [], name);
    await page.getByLabel('Make item 2 fail').check();
    await button(page, RUN).click();
    await waitForStatus(page, /^Done: 5 blocking calls/);
    assert.equal(await horizontalOverflow(page), 0, `${name}: no horizontal scrolling`);
    await page.locator(PANEL).screenshot({ path: screenshotPath(`${name}-panel`) });
    assert.deepEqual(problems, [], name);
    await context.close();
  }
});
