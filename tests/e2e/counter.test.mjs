// The demo page in headless Chromium: clicks by role and name, reads what the
// page shows, and saves screenshots (docs/screenshot.png is the README's).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  DESKTOP, PHONE, demoPerFile, horizontalOverflow, repoRoot, screenshotPath, unnamedControls,
} from './harness.mjs';

const demo = demoPerFile();

const count = async (page) => Number(await page.locator('#count').textContent());

async function waitForCount(page, atLeast) {
  await page.waitForFunction((n) => Number(document.getElementById('count').textContent) >= n, atLeast, {
    timeout: 15000,
  });
}

test('the page is served isolated, under a strict CSP, with wasm as application/wasm', async () => {
  const response = await fetch(demo.server.url);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(response.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.match(response.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
  const wasm = await fetch(new URL('pkg/loopbridge_glue_bg.wasm', demo.server.url));
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  const outside = await fetch(new URL('/..%2f..%2fCargo.toml', demo.server.url));
  assert.equal(outside.status, 404);
  const html = await response.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline scripts');

  const { page, problems, context } = await demo.open();
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Start makes the count rise, Stop makes it hold', async () => {
  const { page, problems, context } = await demo.open();
  const start = page.getByRole('button', { name: 'Start', exact: true });
  const stop = page.getByRole('button', { name: 'Stop', exact: true });
  await page.getByLabel('Interval').selectOption('100');

  assert.equal(await page.locator('#no-worker').isVisible(), true);
  assert.equal(await page.locator('#no-worker').textContent(), 'No worker running.');
  assert.equal(await start.isEnabled(), true);
  assert.equal(await stop.isEnabled(), false);

  await start.click();
  assert.equal(await start.isEnabled(), false, 'Start is disabled while running');
  assert.equal(await stop.isEnabled(), true);
  assert.equal(await page.getByLabel('Interval').isEnabled(), false);
  assert.equal(await page.locator('#worker-status').textContent(), 'Running');
  assert.match(await page.locator('#worker-name').textContent(), /^worker-\d+$/);
  assert.equal(await page.locator('#worker-interval').textContent(), '100 ms');
  assert.equal(await page.locator('#no-worker').isVisible(), false);

  await waitForCount(page, 5);
  await stop.click();
  const held = await count(page);
  assert.equal(await page.locator('#worker-status').textContent(), 'Stopped');
  assert.equal(await page.locator('#no-worker').isVisible(), true);
  await page.waitForTimeout(400);
  assert.equal(await count(page), held, 'the count holds after Stop');

  // Start again: counts from 0, like a freshly started thread.
  await start.click();
  assert.ok((await count(page)) <= 1);
  await waitForCount(page, 2);
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  assert.ok((await count(page)) <= 1, 'Reset sets the count back to 0');
  await stop.click();
  assert.deepEqual(problems, []);
  await context.close();
});

test('blocking the main thread for 2 s: the count is caught up and the lag meter spikes', async () => {
  const { page, problems, context } = await demo.open();
  await page.getByLabel('Interval').selectOption('100');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForCount(page, 3);
  const before = await page.evaluate(() => globalThis.loopbridgeDemo.counter.worker.count);

  await page.getByRole('button', { name: 'Block the main thread for 2 s' }).click();
  await page.waitForFunction(() => /busy for/.test(document.getElementById('explanation').textContent), null, {
    timeout: 15000,
  });

  const after = await page.evaluate(() => {
    const { worker } = globalThis.loopbridgeDemo.counter;
    return { count: worker.count, tick: worker.lastTick, shown: Number(document.getElementById('count').textContent) };
  });
  // 2 s at 100 ms: at least 19 more counts, delivered at once, not one by one.
  assert.ok(after.shown >= before + 19, `shown ${after.shown}, before ${before}`);
  assert.ok(after.count >= after.shown);
  const lateness = await page.evaluate(() => globalThis.loopbridgeDemo.counter.lateness);
  assert.ok(Math.max(...lateness) >= 1500, `a delivery ${Math.max(...lateness)} ms late`);
  // The spike does not set the scale: the other deliveries stay readable.
  const scale = Number(await page.locator('#lateness-plot').getAttribute('data-scale-ms'));
  assert.ok(scale < 500, `the chart's scale is ${scale} ms, not the spike's`);
  const peak = await page.evaluate(() => globalThis.loopbridgeDemo.lag.peak());
  assert.ok(peak >= 1500, `the lag meter shows the spike: ${peak} ms`);
  const peakText = await page.locator('#lag-peak').textContent();
  assert.match(peakText, /^\d\.\d\d s$/);
  const explanation = await page.locator('#explanation').textContent();
  assert.match(explanation, /count went from \d+ to \d+/);
  const folded = Number(explanation.match(/folding in (\d+) missed ticks/)?.[1]);
  assert.ok(folded >= 15, `the catch-up delivery folds in the missed ticks: ${explanation}`);

  await page.screenshot({ path: screenshotPath('after-block-desktop-light') });

  // The README's picture: the live timeline, right after a block.
  await page.getByRole('button', { name: 'Start thread counter' }).click();
  await page.waitForFunction(() => globalThis.loopbridgeDemo.thread.counter.count >= 3, null, { timeout: 15000 });
  await page.getByRole('button', { name: 'Block the main thread for 2 s' }).click();
  await page.waitForFunction(() => /worker's counter/.test(document.getElementById('explanation').textContent), null, {
    timeout: 15000,
  });
  await page.evaluate(() => window.scrollTo(0, 0));
  const loop = await page.locator('section[aria-labelledby="scope-title"]').boundingBox();
  await page.screenshot({
    path: join(repoRoot, 'docs', 'screenshot.png'),
    fullPage: true,
    clip: { x: 0, y: 0, width: DESKTOP.width, height: Math.ceil(loop.y + loop.height + 16) },
  });
  await page.getByRole('button', { name: 'Stop thread counter' }).click();
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  assert.deepEqual(problems, []);
  await context.close();
});

test('bad input from JS gets TypeError/RangeError and the module stays usable (release build)', async () => {
  const { page, problems, context } = await demo.open();
  const outcomes = await page.evaluate(async () => {
    const { CounterWorker, busyWait } = await import('./pkg/demo.js');
    const attempt = (label, f) => {
      try {
        f();
        return [label, 'ok'];
      } catch (error) {
        return [label, error.constructor.name, error.message];
      }
    };
    const worker = new CounterWorker({ intervalMs: 5 });
    return [
      attempt('options 1', () => new CounterWorker(1)),
      attempt('intervalMs "1"', () => new CounterWorker({ intervalMs: '1' })),
      attempt('intervalMs 1n', () => new CounterWorker({ intervalMs: 1n })),
      attempt('intervalMs NaN', () => new CounterWorker({ intervalMs: NaN })),
      attempt('intervalMs 0', () => new CounterWorker({ intervalMs: 0 })),
      attempt('intervalMs 2**31', () => new CounterWorker({ intervalMs: 2 ** 31 })),
      attempt('name 42', () => new CounterWorker({ name: 42 })),
      attempt('name {}', () => new CounterWorker({ name: {} })),
      attempt('onTick 7', () => worker.onTick(7)),
      attempt('onTick "f"', () => worker.onTick('f')),
      attempt('busyWait "5"', () => busyWait('5')),
      attempt('busyWait -1', () => busyWait(-1)),
      attempt('busyWait Infinity', () => busyWait(Infinity)),
      attempt('busyWait 5n', () => busyWait(5n)),
      attempt('busyWait undefined', () => busyWait()),
      attempt('still usable', () => {
        if (!worker.start() || !worker.running || !worker.stop()) throw new Error('not usable');
        const named = new CounterWorker({ name: '名前 🙂', intervalMs: 2147483647 });
        if (named.name !== '名前 🙂' || named.intervalMs !== 2147483647) throw new Error('wrong fields');
        named.free();
      }),
    ];
  });
  const expected = {
    'options 1': 'TypeError',
    'intervalMs "1"': 'TypeError',
    'intervalMs 1n': 'TypeError',
    'intervalMs NaN': 'RangeError',
    'intervalMs 0': 'RangeError',
    'intervalMs 2**31': 'RangeError',
    'name 42': 'TypeError',
    'name {}': 'TypeError',
    'onTick 7': 'TypeError',
    'onTick "f"': 'TypeError',
    'busyWait "5"': 'TypeError',
    'busyWait -1': 'RangeError',
    'busyWait Infinity': 'RangeError',
    'busyWait 5n': 'TypeError',
    'busyWait undefined': 'TypeError',
    'still usable': 'ok',
  };
  for (const [label, kind, message] of outcomes) {
    assert.equal(kind, expected[label], `${label}: ${message}`);
    if (kind !== 'ok') assert.ok(message.length > 20, `${label} has a clear message: ${message}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('every control has an accessible name, and the page fits a phone in light and dark', async () => {
  for (const [name, viewport, colorScheme] of [
    ['phone-light', PHONE, 'light'],
    ['phone-dark', PHONE, 'dark'],
    ['desktop-dark', DESKTOP, 'dark'],
  ]) {
    const { page, problems, context } = await demo.open({ viewport, colorScheme });
    const unnamed = await unnamedControls(page);
    assert.deepEqual(unnamed, []);
    for (const button of ['Start', 'Stop', 'Reset', 'Block the main thread for 2 s']) {
      assert.equal(await page.getByRole('button', { name: button, exact: true }).count(), 1, button);
    }
    const overflow = await horizontalOverflow(page);
    assert.ok(overflow <= 0, `${name}: no horizontal scrolling (${overflow} px too wide)`);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.waitForTimeout(1200);
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    assert.deepEqual(problems, []);
    await context.close();
  }
});
