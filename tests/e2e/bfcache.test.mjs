// The back/forward cache, in Chromium with it turned on (as for its users):
// leaving the page and coming back restores it as it was, not a reload, and
// the counters go on with the right count. With Cache-Control: no-store (the
// dev server's old header) Chromium would not keep the page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, serve } from './harness.mjs';

const WAIT = { timeout: 15000 };
let server;
let browser;
before(async () => {
  server = await serve();
  browser = await launch({ bfcache: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A page of `context` on the demo, whose CDP session reports why the cache was not used. */
async function openWatched(context) {
  const page = await context.newPage();
  const notRestored = [];
  const cdp = await context.newCDPSession(page);
  await cdp.send('Page.enable');
  cdp.on('Page.backForwardCacheNotUsed', (event) => {
    notRestored.push(...event.notRestoredExplanations.map((reason) => reason.reason));
  });
  await page.addInitScript(() => {
    globalThis.restoredFromCache = 0;
    addEventListener('pageshow', (event) => { if (event.persisted) globalThis.restoredFromCache += 1; });
  });
  await page.goto(server.url);
  await page.waitForSelector('html[data-ready="true"]', WAIT);
  return { page, notRestored };
}

/** Leaves for another page of the site and comes back with the Back button. */
async function awayAndBack(page, awayMs) {
  await page.goto(new URL('jspi/', server.url).href);
  await page.waitForTimeout(awayMs);
  // A page restored from the cache fires no load event: wait for the commit.
  await page.goBack({ waitUntil: 'commit' });
  await page.waitForFunction(() => globalThis.restoredFromCache >= 1 || document.readyState === 'complete', null, WAIT);
}

test('leaving and coming back restores the page from the back/forward cache; the counter goes on, caught up', async () => {
  const context = await browser.newContext();
  const { page, notRestored } = await openWatched(context);
  await page.getByLabel('Interval').selectOption('100');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.waitForFunction(() => Number(document.getElementById('count').textContent) >= 3, null, WAIT);
  await page.evaluate(() => { globalThis.sameDocument = true; });
  const before = await page.evaluate(() => globalThis.loopbridgeDemo.counter.worker.count);

  await awayAndBack(page, 1500);
  assert.deepEqual(notRestored, [], 'Chromium kept the page');
  assert.equal(await page.evaluate(() => globalThis.restoredFromCache), 1, 'pageshow with persisted: true');
  assert.equal(await page.evaluate(() => globalThis.sameDocument), true, 'the same document, not a reload');
  // The count is measured on the clock: 1.5 s away at 100 ms is 15 ticks more.
  await page.waitForFunction((n) => Number(document.getElementById('count').textContent) >= n, before + 15, WAIT);
  assert.equal(await page.evaluate(() => globalThis.loopbridgeDemo.counter.worker.running), true);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await context.close();
});

test('a leader tab that goes into the back/forward cache hands the shared counter to another tab', async () => {
  const context = await browser.newContext();
  const a = await openWatched(context);
  await a.page.waitForFunction(() => globalThis.loopbridgeDemo.shared.counter.role === 'leader', null, WAIT);
  const b = await openWatched(context);
  await b.page.waitForTimeout(300);
  assert.equal(await b.page.evaluate(() => globalThis.loopbridgeDemo.shared.counter.role), 'follower');
  await a.page.getByRole('button', { name: 'Start shared counter' }).click();
  await b.page.waitForFunction(() => globalThis.loopbridgeDemo.shared.ticksSeen >= 2, null, WAIT);

  await a.page.goto(new URL('jspi/', server.url).href);
  // The ticker must not stop with the hidden tab: B takes the lead and ticks.
  await b.page.waitForFunction(() => globalThis.loopbridgeDemo.shared.counter.role === 'leader', null, WAIT);
  const seen = await b.page.evaluate(() => globalThis.loopbridgeDemo.shared.ticksSeen);
  await b.page.waitForFunction((n) => globalThis.loopbridgeDemo.shared.ticksSeen >= n + 2, seen, WAIT);

  await a.page.goBack({ waitUntil: 'commit' });
  await a.page.waitForSelector('html[data-ready="true"]', WAIT);
  await a.page.waitForFunction(() => globalThis.loopbridgeDemo?.shared.counter.running, null, WAIT);
  assert.deepEqual(a.notRestored, [], 'Chromium kept the page');
  assert.equal(await a.page.evaluate(() => globalThis.restoredFromCache), 1, 'A came back from the cache');
  // Back, A stands in line again: it takes over when B goes.
  await b.page.close();
  await a.page.waitForFunction(() => globalThis.loopbridgeDemo.shared.counter.role === 'leader', null, WAIT);
  const ticks = await a.page.evaluate(() => globalThis.loopbridgeDemo.shared.ticksSeen);
  await a.page.waitForFunction((n) => globalThis.loopbridgeDemo.shared.ticksSeen >= n + 2, ticks, WAIT);
  await context.close();
});
