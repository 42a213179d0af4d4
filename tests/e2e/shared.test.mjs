// The "Counter in every tab" panel in headless Chromium: two pages of one
// browser context act as two tabs of one browser, sharing one SharedCounter.
// Every test starts from a fresh context, so localStorage and Web Locks start
// empty. Clicks by role and name; bounds on time are generous.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DESKTOP, PHONE, demoPerFile, horizontalOverflow, openPage, screenshotPath, serve, unnamedControls,
} from './harness.mjs';

const demo = demoPerFile();

const WAIT = { timeout: 15000 };
const INTERVAL_MS = 500;
const LEADER = 'Leader: this tab runs the ticker';
const FOLLOWER = 'Follower: another tab runs it';

const button = (page, name) => page.getByRole('button', { name, exact: true });
const text = (page, id) => page.locator(`#${id}`).textContent();
const number = async (page, id) => Number(await text(page, id));
const sharedCount = (page) => page.evaluate(() => globalThis.loopbridgeDemo.shared.counter.count);

async function waitForNumber(page, id, atLeast, options = WAIT) {
  await page.waitForFunction(
    ([elementId, n]) => Number(document.getElementById(elementId).textContent) >= n,
    [id, atLeast],
    options,
  );
}

async function waitForText(page, id, pattern, options = WAIT) {
  await page.waitForFunction(
    ([elementId, source]) => new RegExp(source).test(document.getElementById(elementId).textContent),
    [id, pattern.source],
    options,
  );
}

/**
 * Two tabs of one fresh context: `a` opened first and waited on until it
 * leads, then `b`, which must follow.
 */
async function twoTabs(url, { viewport = DESKTOP, colorScheme = 'light' } = {}) {
  const context = await demo.browser.newContext({ viewport, colorScheme });
  const a = await openPage(context, url);
  await waitForText(a.page, 'shared-role', /^Leader: /);
  const b = await openPage(context, url);
  // B's request for the lock is queued behind A's: it stays a follower.
  await b.page.waitForTimeout(300);
  assert.equal(await text(b.page, 'shared-role'), FOLLOWER);
  assert.equal(await b.page.evaluate(() => globalThis.loopbridgeDemo.shared.counter.role), 'follower');
  assert.equal(await text(a.page, 'shared-role'), LEADER);
  return { context, a, b };
}

/** Records every count the page shows in #shared-count, from now on. */
function recordShownCounts(page) {
  return page.evaluate(() => {
    const element = document.getElementById('shared-count');
    globalThis.shownCounts = [Number(element.textContent)];
    new MutationObserver(() => globalThis.shownCounts.push(Number(element.textContent)))
      .observe(element, { childList: true, characterData: true, subtree: true });
  });
}

/** Reads the counter's ticks() stream into globalThis.streamedCounts, from now on. */
function readTickStream(page) {
  return page.evaluate(() => {
    globalThis.streamedCounts = [];
    const reader = globalThis.loopbridgeDemo.shared.counter.ticks().getReader();
    (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        globalThis.streamedCounts.push(value);
      }
    })();
  });
}

test('two tabs share one counter: either starts, stops or resets it, and both show the same count', async () => {
  const { context, a, b } = await twoTabs(demo.server.url);
  for (const { page } of [a, b]) {
    assert.equal(await text(page, 'shared-name'), 'shared');
    assert.equal(await text(page, 'shared-interval'), '500 ms');
    assert.equal(await text(page, 'shared-status'), 'Stopped');
    assert.equal(await text(page, 'shared-count'), '0');
    assert.equal(await button(page, 'Start shared counter').isEnabled(), true);
    assert.equal(await button(page, 'Stop shared counter').isEnabled(), false);
  }

  // Started in the follower: the leader runs it, and both tabs see it run.
  await button(b.page, 'Start shared counter').click();
  await waitForText(a.page, 'shared-status', /^Running$/);
  assert.equal(await button(a.page, 'Start shared counter').isEnabled(), false, "A's Start follows B's start");
  assert.equal(await button(a.page, 'Stop shared counter').isEnabled(), true);
  await waitForNumber(a.page, 'shared-count', 3);
  const [countA, countB] = await Promise.all([sharedCount(a.page), sharedCount(b.page)]);
  assert.ok(Math.abs(countA - countB) <= 1, `the same count in both tabs: ${countA} and ${countB}`);
  const [shownA, shownB] = await Promise.all([number(a.page, 'shared-count'), number(b.page, 'shared-count')]);
  assert.ok(Math.abs(shownA - shownB) <= 1, `both tabs show the same count: ${shownA} and ${shownB}`);

  // The leader's ticker delivers in A; B hears each tick over the BroadcastChannel.
  await b.page.waitForFunction(() => globalThis.loopbridgeDemo.shared.ticksSeen >= 2, null, WAIT);
  assert.match(await text(a.page, 'shared-last-tick'), /^\d+, from this tab's ticker$/);
  assert.match(await text(b.page, 'shared-last-tick'), /^\d+, by BroadcastChannel from the leader tab$/);

  // Stopped in the leader: B sees it stop, and the count holds in both.
  await button(a.page, 'Stop shared counter').click();
  await waitForText(b.page, 'shared-status', /^Stopped$/);
  assert.equal(await button(b.page, 'Start shared counter').isEnabled(), true);
  assert.equal(await button(b.page, 'Stop shared counter').isEnabled(), false);
  const held = await number(a.page, 'shared-count');
  assert.ok(held >= 3);
  await waitForNumber(b.page, 'shared-count', held);
  await a.page.waitForTimeout(3 * INTERVAL_MS);
  assert.equal(await number(a.page, 'shared-count'), held, 'the count holds in A');
  assert.equal(await number(b.page, 'shared-count'), held, 'the count holds in B');

  // Reset in either tab resets both.
  await button(b.page, 'Reset shared counter').click();
  await a.page.waitForFunction(() => document.getElementById('shared-count').textContent === '0', null, WAIT);
  assert.equal(await text(b.page, 'shared-count'), '0');

  assert.deepEqual(a.problems, []);
  assert.deepEqual(b.problems, []);
  await context.close();
});

test('closing the leader tab: the other takes over within an interval and the count goes on, never reset', async (t) => {
  const { context, a, b } = await twoTabs(demo.server.url);
  await button(a.page, 'Start shared counter').click();
  await waitForNumber(a.page, 'shared-count', 2);
  await waitForNumber(b.page, 'shared-count', 2);
  await recordShownCounts(b.page);
  await readTickStream(b.page);
  const noted = await number(b.page, 'shared-count');
  const seenBefore = await b.page.evaluate(() => globalThis.loopbridgeDemo.shared.ticksSeen);

  const closedAt = Date.now();
  await a.page.close();
  // One interval, plus slack for the lock's release and a busy machine.
  await waitForText(b.page, 'shared-role', /^Leader: /, { timeout: 5000 });
  const takeoverMs = Date.now() - closedAt;
  assert.equal(await b.page.evaluate(() => globalThis.loopbridgeDemo.shared.counter.role), 'leader');
  assert.equal(await text(b.page, 'shared-status'), 'Running');

  // B's own ticker now delivers, to onTick and to the ticks() stream opened before.
  await b.page.waitForFunction(
    (n) => {
      const { lastTick } = globalThis.loopbridgeDemo.shared;
      return lastTick.role === 'leader' && lastTick.count >= n;
    },
    noted + 2,
    WAIT,
  );
  await waitForNumber(b.page, 'shared-count', noted + 2);
  assert.match(await text(b.page, 'shared-last-tick'), /^\d+, from this tab's ticker$/);
  const { ticksSeen, shown, streamed } = await b.page.evaluate(() => ({
    ticksSeen: globalThis.loopbridgeDemo.shared.ticksSeen,
    shown: globalThis.shownCounts,
    streamed: globalThis.streamedCounts,
  }));
  assert.ok(ticksSeen >= seenBefore + 2, `onTick went on: ${seenBefore} -> ${ticksSeen}`);

  const nonDecreasing = (counts) => counts.every((count, i) => i === 0 || count >= counts[i - 1]);
  assert.ok(shown.every((count) => count >= noted), `never shown below ${noted}: ${shown}`);
  assert.ok(nonDecreasing(shown), `the shown count never went back: ${shown}`);
  assert.ok(streamed.length >= 2, `ticks() went on: ${streamed}`);
  assert.ok(streamed.every((count) => count >= noted), `no streamed count below ${noted}: ${streamed}`);
  assert.ok(nonDecreasing(streamed), `the streamed counts never went back: ${streamed}`);
  assert.ok(streamed.at(-1) >= noted + 2, `the stream reached ${streamed.at(-1)}`);

  await button(b.page, 'Stop shared counter').click();
  assert.deepEqual(a.problems, []);
  assert.deepEqual(b.problems, []);
  t.diagnostic(`takeover after the leader closed: ${takeoverMs} ms`);
  await context.close();
});

test('a stopped counter: closing the leader tab tells the other it leads, with no tick to show it (onChange)', async () => {
  const { context, a, b } = await twoTabs(demo.server.url);
  const changes = () => b.page.evaluate(() => globalThis.loopbridgeDemo.shared.changesSeen);
  const before = await changes();
  await a.page.close();
  await waitForText(b.page, 'shared-role', /^Leader: /, { timeout: 5000 });
  assert.equal(await text(b.page, 'shared-status'), 'Stopped');
  assert.equal(await changes(), before + 1, 'one change: the new role');
  assert.deepEqual(b.problems, []);
  await context.close();
});

test('a reload keeps the count, running or stopped', async () => {
  const context = await demo.browser.newContext({ viewport: DESKTOP });
  const { page, problems } = await openPage(context, demo.server.url);
  await waitForText(page, 'shared-role', /^Leader: /);
  await button(page, 'Start shared counter').click();
  await waitForNumber(page, 'shared-count', 2);
  const before = await sharedCount(page);

  await page.reload();
  await page.waitForSelector('html[data-ready="true"]', WAIT);
  await waitForText(page, 'shared-status', /^Running$/);
  assert.ok(await sharedCount(page) >= before, 'the count went on from where it was');
  await waitForText(page, 'shared-role', /^Leader: /);
  await waitForNumber(page, 'shared-count', before + 1);

  await button(page, 'Stop shared counter').click();
  const held = await sharedCount(page);
  assert.ok(held >= before + 1);
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]', WAIT);
  await waitForText(page, 'shared-count', new RegExp(`^${held}$`));
  assert.equal(await text(page, 'shared-status'), 'Stopped');
  assert.equal(await button(page, 'Start shared counter').isEnabled(), true);
  await page.waitForTimeout(3 * INTERVAL_MS);
  assert.equal(await number(page, 'shared-count'), held, 'the held count stays after the reload');
  assert.deepEqual(problems, []);
  await context.close();
});

test('blocking one tab: the shared count is current right after, in the leader and in a follower', async () => {
  const { context, a, b } = await twoTabs(demo.server.url);
  await button(a.page, 'Start shared counter').click();
  await waitForNumber(b.page, 'shared-count', 1);

  for (const [{ page }, role] of [[a, /This tab leads it/], [b, /Another tab leads it/]]) {
    await page.evaluate(() => { document.getElementById('explanation').textContent = ''; });
    await button(page, 'Block the main thread for 2 s').click();
    await waitForText(page, 'explanation', /busy for/);
    const explanation = await text(page, 'explanation');
    const match = explanation.match(/The counter in every tab went from (\d+) to (\d+): its count is computed from the shared start time/);
    assert.ok(match, `the explanation tells about the shared counter: ${explanation}`);
    const [from, to] = [Number(match[1]), Number(match[2])];
    // 2 s at 500 ms is 4 counts, read synchronously right after the block.
    assert.ok(to - from >= 4, `current right after the block: ${from} -> ${to}`);
    assert.match(explanation, role);
  }
  await button(b.page, 'Stop shared counter').click();
  await waitForText(a.page, 'shared-status', /^Stopped$/);
  assert.deepEqual(a.problems, []);
  assert.deepEqual(b.problems, []);
  await context.close();
});

test('without cross-origin isolation the shared counter works the same (it needs no SharedArrayBuffer)', async () => {
  const server = await serve(['--no-isolation']);
  try {
    const { context, a, b } = await twoTabs(server.url);
    assert.equal(await a.page.evaluate(() => crossOriginIsolated), false);
    await button(a.page, 'Start shared counter').click();
    await waitForText(b.page, 'shared-status', /^Running$/);
    await waitForNumber(b.page, 'shared-count', 3);
    await b.page.waitForFunction(() => globalThis.loopbridgeDemo.shared.ticksSeen >= 2, null, WAIT);
    const [countA, countB] = await Promise.all([sharedCount(a.page), sharedCount(b.page)]);
    assert.ok(Math.abs(countA - countB) <= 1, `the same count in both tabs: ${countA} and ${countB}`);

    await button(b.page, 'Stop shared counter').click();
    await waitForText(a.page, 'shared-status', /^Stopped$/);
    const held = await number(b.page, 'shared-count');
    await waitForText(a.page, 'shared-count', new RegExp(`^${held}$`));

    await a.page.close();
    await waitForText(b.page, 'shared-role', /^Leader: /, { timeout: 5000 });
    assert.equal(await number(b.page, 'shared-count'), held);
    assert.deepEqual(a.problems, []);
    assert.deepEqual(b.problems, []);
    await context.close();
  } finally {
    await server.stop();
  }
});

test('the shared panel: named controls, no overflow, light and dark, desktop and phone', async () => {
  for (const [name, viewport, colorScheme] of [
    ['shared-desktop-light', DESKTOP, 'light'],
    ['shared-desktop-dark', DESKTOP, 'dark'],
    ['shared-phone-light', PHONE, 'light'],
    ['shared-phone-dark', PHONE, 'dark'],
  ]) {
    const { context, a, b } = await twoTabs(demo.server.url, { viewport, colorScheme });
    assert.deepEqual(await unnamedControls(a.page), [], name);
    for (const label of ['Start shared counter', 'Stop shared counter', 'Reset shared counter']) {
      assert.equal(await button(a.page, label).count(), 1, `${name}: one ${label} button`);
    }
    await button(a.page, 'Start shared counter').click();
    await waitForNumber(b.page, 'shared-count', 2);
    await b.page.waitForFunction(() => globalThis.loopbridgeDemo.shared.ticksSeen >= 1, null, WAIT);
    for (const { page } of [a, b]) {
      assert.equal(await horizontalOverflow(page), 0, `${name}: no horizontal scrolling`);
    }
    await a.page.screenshot({ path: screenshotPath(name), fullPage: true });
    const panel = 'section[aria-labelledby="shared-title"]';
    await a.page.locator(panel).screenshot({ path: screenshotPath(`${name}-leader-panel`) });
    await b.page.locator(panel).screenshot({ path: screenshotPath(`${name}-follower-panel`) });
    await button(b.page, 'Stop shared counter').click();
    assert.deepEqual(a.problems, [], name);
    assert.deepEqual(b.problems, [], name);
    await context.close();
  }
});
