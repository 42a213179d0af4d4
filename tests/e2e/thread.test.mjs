// The "Counter in a Web Worker" panel in headless Chromium: a ThreadCounter
// counts on its own thread while the main thread is blocked or the page is
// frozen, shares its count through a SharedArrayBuffer when the page is
// cross-origin isolated (by message when it is not), and a crashed worker is
// reported on the page. Clicks by role and name; bounds on time are generous.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from 'node:process';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import {
  CHROMIUM_ARGS, DESKTOP, PHONE, demoPerFile, horizontalOverflow, openDemo, screenshotPath, serve,
  unnamedControls,
} from './harness.mjs';
import { openBlank } from './fuzz.mjs';

const demo = demoPerFile();

const WAIT = { timeout: 15000 };
const SHARED = 'SharedArrayBuffer + Atomics.load (page is cross-origin isolated)';
const MESSAGE = 'postMessage (page is not cross-origin isolated, so no SharedArrayBuffer)';
/** The one console.error a crash is expected to log (from the crate). */
const CRASH_LOG = /^console\.error: ThreadCounter thread-\d+: the worker crashed: .*simulateCrash/;

const button = (page, name) => page.getByRole('button', { name, exact: true });
const text = (page, id) => page.locator(`#${id}`).textContent();
const number = async (page, id) => Number(await text(page, id));

async function waitForNumber(page, id, atLeast) {
  await page.waitForFunction(
    ([elementId, n]) => Number(document.getElementById(elementId).textContent) >= n,
    [id, atLeast],
    WAIT,
  );
}

async function waitForText(page, id, pattern) {
  await page.waitForFunction(
    ([elementId, source]) => new RegExp(source).test(document.getElementById(elementId).textContent),
    [id, pattern.source],
    WAIT,
  );
}

/** Both counters at 100 ms, running and past their first few ticks. */
async function startBoth(page) {
  await page.getByLabel('Interval').selectOption('100');
  await button(page, 'Start').click();
  await button(page, 'Start thread counter').click();
  await waitForText(page, 'thread-status', /^Running$/);
  await waitForNumber(page, 'count', 3);
  await waitForNumber(page, 'thread-count', 3);
}

async function stopBoth(page) {
  await button(page, 'Stop').click();
  await button(page, 'Stop thread counter').click();
  await waitForText(page, 'thread-status', /^Stopped$/);
}

test('the thread counter counts in a worker and shares its count through a SharedArrayBuffer', async () => {
  const { page, problems, context } = await demo.open();
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  await page.getByLabel('Interval').selectOption('100');
  const start = button(page, 'Start thread counter');
  const stop = button(page, 'Stop thread counter');

  // No worker until the first Start: a visitor who never starts it downloads none.
  assert.equal(await page.evaluate(() => globalThis.loopbridgeDemo.thread.counter), null);
  assert.equal(await page.evaluate(() => performance.getEntriesByType('resource').some((r) => r.name.endsWith('/worker.js'))), false);
  assert.equal(await text(page, 'thread-name'), 'none yet');
  assert.equal(await text(page, 'thread-status'), 'Stopped');
  assert.equal(await text(page, 'thread-interval'), '100 ms');
  assert.equal(await text(page, 'thread-sharing'), SHARED);
  assert.equal(await start.isEnabled(), true);
  assert.equal(await stop.isEnabled(), false);
  assert.equal(await button(page, 'Crash the worker').isEnabled(), false, 'no worker to crash yet');

  await start.click();
  await waitForText(page, 'thread-status', /^Running$/);
  assert.match(await text(page, 'thread-name'), /^thread-\d+$/);
  assert.equal(await page.evaluate(() => globalThis.loopbridgeDemo.thread.counter.sharedMemory), true);
  assert.equal(await text(page, 'thread-sharing'), SHARED);
  assert.equal(await start.isEnabled(), false, 'Start thread counter is disabled while running');
  assert.equal(await stop.isEnabled(), true);
  assert.equal(await page.getByLabel('Interval').isEnabled(), false, 'the shared Interval is locked');
  assert.equal(await button(page, 'Start').isEnabled(), true, 'the main counter is independent');
  await waitForNumber(page, 'thread-count', 5);

  await stop.click();
  await waitForText(page, 'thread-status', /^Stopped$/);
  const held = await number(page, 'thread-count');
  await page.waitForTimeout(400);
  assert.equal(await number(page, 'thread-count'), held, 'the count holds after Stop');
  assert.equal(await page.getByLabel('Interval').isEnabled(), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('blocking the main thread: the worker count keeps rising and is current right after; the main counter catches up only after', async () => {
  const { page, problems, context } = await demo.open();
  await startBoth(page);

  await button(page, 'Block the main thread for 2 s').click();
  await waitForText(page, 'explanation', /busy for/);
  const explanation = await text(page, 'explanation');
  const match = explanation.match(/The worker's counter, on its own thread, went from (\d+) to (\d+) during the block: read right after it, from shared memory/);
  assert.ok(match, `the explanation tells what the worker did: ${explanation}`);
  const [from, to] = [Number(match[1]), Number(match[2])];
  // 2 s at 100 ms is 20 ticks; at least 15 of them, read before the page could catch up.
  assert.ok(to - from >= 15, `the worker counted on during the block: ${from} -> ${to}`);

  const block = await page.evaluate(() => globalThis.loopbridgeDemo.lastBlock);
  assert.equal(block.threadBefore, from);
  assert.equal(block.threadRightAfter, to);
  assert.ok(block.blockedMs >= 1990, `blocked ${block.blockedMs} ms`);
  // The main counter's timer could not fire: what it showed did not move during the block...
  assert.equal(block.shownRightAfter, block.shownBefore, 'the main counter stalled during the block');
  // ...and its catch-up came after, in one folded delivery.
  assert.match(explanation, /The counter worker on the main thread stalled/);
  const folded = Number(explanation.match(/folding in (\d+) missed ticks/)?.[1]);
  assert.ok(folded >= 15, `the main counter caught up after the block: ${explanation}`);
  assert.ok(await number(page, 'count') >= block.shownBefore + 15);
  assert.ok(await number(page, 'thread-count') >= to);

  await page.screenshot({ path: screenshotPath('thread-after-block-desktop-light'), fullPage: true });
  await stopBoth(page);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a crashed worker is reported on the page, and Start makes a new worker that runs', async () => {
  const { page, problems, context } = await demo.open();
  await page.getByLabel('Interval').selectOption('100');
  const start = button(page, 'Start thread counter');
  const crash = button(page, 'Crash the worker');
  await start.click();
  await waitForNumber(page, 'thread-count', 2);
  const firstName = await text(page, 'thread-name');

  await crash.click();
  await waitForText(page, 'thread-status', /^Crashed: /);
  const status = await text(page, 'thread-status');
  assert.match(status, /^Crashed: .*crashed on purpose \(simulateCrash\)/);
  assert.equal(await page.evaluate(() => globalThis.loopbridgeDemo.thread.counter.running), false);
  assert.equal(await crash.isEnabled(), false);
  assert.equal(await button(page, 'Stop thread counter').isEnabled(), false);
  assert.equal(await start.isEnabled(), true, 'Start is the way back: it makes a new worker');
  assert.equal(await page.getByLabel('Interval').isEnabled(), true);
  assert.match(await text(page, 'thread-note'), /^The worker crashed and stays down, like a dead process/);
  assert.equal(await page.getByRole('alert').filter({ hasText: 'stays down' }).isVisible(), true);
  await page.locator('section[aria-labelledby="thread-title"]')
    .screenshot({ path: screenshotPath('thread-crashed-panel-desktop-light') });

  // The first press of Start makes a new worker and starts it.
  await start.click();
  await waitForText(page, 'thread-status', /^Running$/);
  assert.notEqual(await text(page, 'thread-name'), firstName, 'a new worker');
  await waitForNumber(page, 'thread-count', 3);
  assert.equal(await page.locator('#thread-note').isVisible(), false, 'the note goes once a start succeeds');
  await button(page, 'Stop thread counter').click();
  await waitForText(page, 'thread-status', /^Stopped$/);

  const crashLogs = problems.filter((problem) => CRASH_LOG.test(problem));
  assert.equal(crashLogs.length, 1, `the crash is logged once: ${problems}`);
  assert.deepEqual(problems.filter((problem) => !CRASH_LOG.test(problem)), [], 'no uncaught error reached the page');
  await context.close();
});

test('without cross-origin isolation the count comes by postMessage and still rises', async () => {
  const server = await serve(['--no-isolation']);
  try {
    const { page, problems, context } = await openDemo(demo.browser, server.url);
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    assert.equal(await text(page, 'thread-sharing'), MESSAGE);

    await startBoth(page);
    assert.equal(await page.evaluate(() => globalThis.loopbridgeDemo.thread.counter.sharedMemory), false);
    assert.equal(await text(page, 'thread-sharing'), MESSAGE);
    await waitForNumber(page, 'thread-count', 5);

    // Blocked, the page cannot see the worker's count: its messages wait in the queue.
    await button(page, 'Block the main thread for 2 s').click();
    await waitForText(page, 'explanation', /busy for/);
    const explanation = await text(page, 'explanation');
    const match = explanation.match(/postMessage: the messages were queued while the page was busy, so right after the block it still read (\d+), as before it\. They arrived after, bringing it to (\d+)\./);
    assert.ok(match, `the explanation tells about the queued messages: ${explanation}`);
    const [rightAfter, caughtUp] = [Number(match[1]), Number(match[2])];
    assert.ok(caughtUp >= rightAfter + 15, `the queued counts arrived after: ${rightAfter} -> ${caughtUp}`);
    await page.screenshot({ path: screenshotPath('thread-no-isolation-desktop-light'), fullPage: true });

    await stopBoth(page);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await server.stop();
  }
});

/**
 * Chromium for the freeze test. Playwright turns on focus emulation for every
 * page it drives, and a page with focus emulation on is never hidden, so
 * `Page.setWebLifecycleState` answers `{}` but does not freeze it (no freeze
 * event, timers keep firing). So this browser is started by hand and attached
 * with `connectOverCDP(..., { noDefaults: true })`, which leaves its default
 * context's pages without that override.
 */
async function launchFreezable() {
  const profile = mkdtempSync(join(tmpdir(), 'loopbridge-freeze-'));
  const chromiumProcess = spawn(env.CHROMIUM || '/usr/bin/chromium', [
    '--headless', '--remote-debugging-port=0', `--user-data-dir=${profile}`, '--window-size=1280,900',
    '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows', ...CHROMIUM_ARGS, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = once(chromiumProcess, 'exit');
  let stderr = '';
  const endpoint = await new Promise((resolve, reject) => {
    chromiumProcess.stderr.setEncoding('utf8');
    chromiumProcess.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = stderr.match(/DevTools listening on (ws:\/\/\S+)/);
      if (match) resolve(match[1]);
    });
    chromiumProcess.once('exit', (code) => reject(new Error(`chromium exited with ${code}: ${stderr}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
  return {
    browser,
    async close() {
      const session = await browser.newBrowserCDPSession();
      await session.send('Browser.close').catch(() => {});
      const timer = setTimeout(() => chromiumProcess.kill(), 5000);
      await exited;
      clearTimeout(timer);
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

test('a frozen page loses no counts: every counter, the shared one too, shows the caught-up count on resume', async () => {
  const freezable = await launchFreezable();
  try {
    const context = freezable.browser.contexts()[0];
    const page = context.pages()[0] ?? await context.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
    });
    await page.goto(demo.server.url);
    await page.waitForSelector('html[data-ready="true"]', WAIT);
    await page.evaluate(() => {
      globalThis.lifecycle = [];
      for (const type of ['freeze', 'resume']) document.addEventListener(type, () => globalThis.lifecycle.push(type));
    });
    await startBoth(page);
    // The only tab leads the shared counter: its ticker runs on this page's frozen thread.
    await waitForText(page, 'shared-role', /^Leader: /);
    await button(page, 'Start shared counter').click();
    await waitForNumber(page, 'shared-count', 1);
    const counts = () => page.evaluate(() => ({
      main: globalThis.loopbridgeDemo.counter.worker.count,
      thread: globalThis.loopbridgeDemo.thread.counter.count,
      shared: globalThis.loopbridgeDemo.shared.counter.count,
    }));
    // Every count the shared counter delivers from here on, through its ticks() stream.
    await page.evaluate(() => {
      globalThis.sharedDelivered = [];
      const reader = globalThis.loopbridgeDemo.shared.counter.ticks().getReader();
      (async () => {
        for (let next = await reader.read(); !next.done; next = await reader.read()) {
          globalThis.sharedDelivered.push(next.value);
        }
      })();
    });
    const before = await counts();

    const cdp = await context.newCDPSession(page);
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    await new Promise((resolve) => { setTimeout(resolve, 1500); });
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    // Freezing hid the page; focus emulation shows it again, so frames (and clicks) run.
    await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: true });

    assert.deepEqual(await page.evaluate(() => globalThis.lifecycle), ['freeze', 'resume'], 'the page was really frozen');
    // 1.5 s at 100 ms is 15 counts: at least 12 more, shown on the page, none lost.
    await waitForNumber(page, 'count', before.main + 12);
    await waitForNumber(page, 'thread-count', before.thread + 12);
    // 1.5 s at 500 ms is 3 counts; the leader's onTick gets the caught-up count too.
    await waitForNumber(page, 'shared-count', before.shared + 3);
    await page.waitForFunction(
      (n) => globalThis.loopbridgeDemo.shared.lastTick?.count >= n,
      before.shared + 3,
      WAIT,
    );
    const after = await counts();
    assert.ok(after.main >= before.main + 12, `main counter ${before.main} -> ${after.main}`);
    assert.ok(after.thread >= before.thread + 12, `thread counter ${before.thread} -> ${after.thread}`);
    assert.ok(after.shared >= before.shared + 3, `shared counter ${before.shared} -> ${after.shared}`);
    // The ticks missed while frozen fold into one delivery, as for the main counter: no burst.
    const delivered = [before.shared, ...await page.evaluate(() => globalThis.sharedDelivered)];
    const steps = delivered.slice(1).map((count, i) => count - delivered[i]);
    assert.ok(steps.every((step) => step >= 0), `shared deliveries never go back: ${delivered}`);
    assert.ok(steps.some((step) => step >= 2), `one shared delivery folded in the frozen ticks: ${delivered}`);
    const lag = await page.evaluate(() => globalThis.loopbridgeDemo.lag.peak());
    assert.ok(lag >= 1000, `the page's own timers were frozen too: lag ${lag} ms`);
    assert.equal(await page.evaluate(() => document.visibilityState), 'visible');
    await stopBoth(page);
    await button(page, 'Stop shared counter').click();
    await waitForText(page, 'shared-status', /^Stopped$/);
    assert.deepEqual(problems, []);
  } finally {
    await freezable.close();
  }
});

test('the thread panel: named controls, no overflow, light and dark, desktop and phone', async () => {
  for (const [name, viewport, colorScheme] of [
    ['thread-desktop-light', DESKTOP, 'light'],
    ['thread-desktop-dark', DESKTOP, 'dark'],
    ['thread-phone-light', PHONE, 'light'],
    ['thread-phone-dark', PHONE, 'dark'],
  ]) {
    const { page, problems, context } = await demo.open({ viewport, colorScheme });
    assert.deepEqual(await unnamedControls(page), [], name);
    for (const label of ['Start', 'Stop', 'Start thread counter', 'Stop thread counter', 'Crash the worker']) {
      assert.equal(await button(page, label).count(), 1, `${name}: one ${label} button`);
    }
    await startBoth(page);
    await page.waitForTimeout(600);
    assert.equal(await horizontalOverflow(page), 0, `${name}: no horizontal scrolling`);
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
    await button(page, 'Crash the worker').click();
    await waitForText(page, 'thread-status', /^Crashed: /);
    assert.equal(await horizontalOverflow(page), 0, `${name}, crashed: no horizontal scrolling`);
    await page.locator('section[aria-labelledby="thread-title"]')
      .screenshot({ path: screenshotPath(`${name}-crashed-panel`) });
    await button(page, 'Stop').click();
    assert.deepEqual(problems.filter((problem) => !CRASH_LOG.test(problem)), [], name);
    await context.close();
  }
});

test('a worker that cannot start rejects the waiting start() with the cause, not only on the console', async () => {
  const context = await demo.browser.newContext();
  const page = await openBlank(context, demo.server.url);
  await page.evaluate(async () => {
    const m = await import('/pkg/demo.js');
    await m.default();
  });
  // From now on the glue cannot be fetched: the worker's own import of it fails.
  await context.route(/loopbridge_glue\.js$/, (route) => route.abort('connectionrefused'));
  const outcome = await page.evaluate(async () => {
    const { ThreadCounter } = await import('/pkg/demo.js');
    const counter = new ThreadCounter({ intervalMs: 50 });
    const started = await counter.start().then(() => 'resolved', (error) => error.message);
    const later = await counter.stop().then(() => 'resolved', (error) => error.message);
    return { started, later, reason: counter.crashReason, running: counter.running };
  });
  assert.match(outcome.reason, /the worker could not start: .*(fetch|import|load)/i);
  assert.equal(outcome.started, `ThreadCounter thread-1: the worker crashed: ${outcome.reason}`);
  assert.equal(outcome.later, `ThreadCounter thread-1: the worker crashed: ${outcome.reason}`);
  assert.equal(outcome.running, false);
  await context.close();
});
