// The bridge panels in headless Chromium: streaming (direct and as an HTTP
// response, cancel), sequential vs concurrent gather drawn as an SVG timeline,
// and the sync/async boundary cards. Clicks by role and name, reads back what
// the page shows; bounds on time are generous, never tight.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DESKTOP, PHONE, demoPerFile, horizontalOverflow, screenshotPath, unnamedControls,
} from './harness.mjs';

const demo = demoPerFile();

const WAIT = { timeout: 15000 };
const ENGLISH = 'Streaming keeps the page alive: each word arrives as soon as it is ready.';
const JAPANESE = '非同期のストリームは、一文字ずつ届きます。';

const button = (page, name) => page.getByRole('button', { name, exact: true });
const chunks = (page) => page.locator('#stream-output .chunk').allTextContents();
const text = (page, id) => page.locator(`#${id}`).textContent();

async function waitForText(page, id, pattern) {
  await page.waitForFunction(
    ([elementId, source]) => new RegExp(source).test(document.getElementById(elementId).textContent),
    [id, pattern.source],
    WAIT,
  );
}

/** Streams the textarea's message and waits until the status says Done. */
async function streamToEnd(page, { delay = '50', read = 'directly' } = {}) {
  await page.getByLabel('Delay per chunk').selectOption(delay);
  await page.getByLabel(read === 'response' ? 'as an HTTP response' : 'directly, with').check();
  await button(page, 'Stream').click();
  await waitForText(page, 'stream-status', /^Done: \d+ chunks/);
  return chunks(page);
}

/** `sequential: 3.00 s` -> 3. */
async function seconds(page, id) {
  const shown = await text(page, id);
  const match = shown.match(/: (\d+\.\d\d) s$/);
  assert.ok(match, `${id} shows a total in seconds: ${shown}`);
  return Number(match[1]);
}

/** What the SVG timeline draws for one run: each task's outcome, and its bar's x span. */
function timeline(page, mode) {
  return page.evaluate((m) => {
    const run = document.querySelector(`#gather-timeline g.run[data-mode="${m}"]`);
    return {
      title: run.querySelector('.run-title').textContent,
      bars: [...run.querySelectorAll('rect.bar')].map((bar) => ({
        task: Number(bar.dataset.task),
        outcome: bar.dataset.outcome,
        x: Number(bar.getAttribute('x')),
        end: Number(bar.getAttribute('x')) + Number(bar.getAttribute('width')),
      })),
      notes: [...run.querySelectorAll('.bar-note, .not-started')].map((note) => note.textContent),
    };
  }, mode);
}

test('streaming an English message shows each word as its own chunk, as it arrives', async () => {
  const { page, problems, context } = await demo.open();
  assert.equal(await page.getByLabel('Message').inputValue(), ENGLISH);
  assert.equal(await button(page, 'Cancel').isEnabled(), false, 'Cancel is disabled before streaming');
  assert.equal(await text(page, 'stream-producers'), 'Rust producers alive: 0');

  await page.getByLabel('Delay per chunk').selectOption('50');
  await button(page, 'Stream').click();
  assert.equal(await button(page, 'Cancel').isEnabled(), true, 'Cancel is enabled while streaming');
  assert.equal(await button(page, 'Stream').isEnabled(), false);
  await waitForText(page, 'stream-status', /^Done: 14 chunks in /);

  const shown = await chunks(page);
  assert.equal(shown.join(''), ENGLISH, 'the joined chunks are exactly the message');
  assert.equal(shown.length, ENGLISH.split(/\s+/).length, 'one chunk per word');
  assert.deepEqual(shown.slice(0, 3), ['Streaming ', 'keeps ', 'the ']);

  const rows = await page.locator('#stream-timing-rows tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.equal(rows.length, shown.length, 'one timing row per chunk');
  assert.deepEqual(rows.map((row) => Number(row[0])), shown.map((_, i) => i + 1));
  assert.deepEqual(rows.map((row) => JSON.parse(row[1])), shown);
  const sinceStart = rows.map((row) => Number(row[2]));
  for (let i = 1; i < sinceStart.length; i += 1) assert.ok(sinceStart[i] >= sinceStart[i - 1], `row ${i + 1} is not earlier than row ${i}`);
  // Timers never fire early: 14 chunks 50 ms apart cannot all be there before ~650 ms.
  assert.ok(sinceStart.at(-1) >= 500, `the chunks arrived over time, not at once: last at ${sinceStart.at(-1)} ms`);

  assert.equal(await button(page, 'Cancel').isEnabled(), false, 'Cancel is disabled again when done');
  assert.equal(await page.locator('#stream-output .fresh').count(), 0, 'no chunk stays highlighted once the stream is done');
  await waitForText(page, 'stream-producers', /^Rust producers alive: 0$/);

  // An empty message is not streamed as "Done: 0 chunks".
  await page.getByLabel('Message').fill('');
  await button(page, 'Stream').click();
  assert.equal(await text(page, 'stream-status'), 'Nothing to stream: type a message first.');
  assert.equal((await chunks(page)).join(''), ENGLISH, 'the last stream stays shown');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the Japanese sample streams one character per chunk', async () => {
  const { page, problems, context } = await demo.open();
  await button(page, 'Japanese sample').click();
  assert.equal(await page.getByLabel('Message').inputValue(), JAPANESE);
  const shown = await streamToEnd(page);
  assert.equal(shown.join(''), JAPANESE);
  assert.equal(shown.length, [...JAPANESE].length, 'one chunk per character');
  assert.ok(shown.every((chunk) => [...chunk].length === 1), `single characters: ${JSON.stringify(shown)}`);
  assert.equal(await page.locator('#stream-output').getAttribute('lang'), 'ja');
  assert.deepEqual(problems, []);
  await context.close();
});

test('read as an HTTP response (bytes through TextDecoder), the stream shows the same text', async () => {
  const { page, problems, context } = await demo.open();
  const direct = await streamToEnd(page, { read: 'directly' });
  assert.match(await text(page, 'stream-status'), /, read directly: each chunk is the string the Rust producer yielded$/);
  const viaResponse = await streamToEnd(page, { read: 'response' });
  assert.match(await text(page, 'stream-status'), /, read as an HTTP response: UTF-8 bytes through Response\.body, decoded with TextDecoder$/);
  assert.equal(viaResponse.join(''), direct.join(''));
  assert.equal(viaResponse.join(''), ENGLISH);
  assert.ok(viaResponse.length > 1, 'it still arrives in pieces');

  // Multi-byte characters survive the encode/decode round trip.
  await button(page, 'Japanese sample').click();
  const japanese = await streamToEnd(page, { read: 'response' });
  assert.equal(japanese.join(''), JAPANESE);
  assert.ok(!japanese.join('').includes('\uFFFD'), 'no replacement characters');
  assert.deepEqual(problems, []);
  await context.close();
});

test('streamed text is shown as text, never parsed as HTML', async () => {
  const { page, problems, context } = await demo.open();
  const message = '<img src=x id=injected> <b>bold</b> & done';
  await page.getByLabel('Message').fill(message);
  const shown = await streamToEnd(page);
  assert.equal(shown.join(''), message);
  assert.equal(await page.locator('#stream-output img, #stream-output b, #injected').count(), 0);
  await button(page, 'Sync version').click();
  assert.equal((await chunks(page)).join(''), message);
  assert.equal(await page.locator('#stream-output img, #stream-output b, #injected').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Cancel stops the stream mid-way and drops the Rust producer, read either way', async () => {
  const { page, problems, context } = await demo.open();
  const total = ENGLISH.split(/\s+/).length;
  for (const read of ['directly, with', 'as an HTTP response']) {
    await page.getByLabel('Delay per chunk').selectOption('300');
    await page.getByLabel(read).check();
    await button(page, 'Stream').click();
    await page.waitForFunction(() => document.querySelectorAll('#stream-output .chunk').length >= 2, null, WAIT);
    assert.equal(await text(page, 'stream-producers'), 'Rust producers alive: 1', `${read}: the producer runs`);

    await button(page, 'Cancel').click();
    await waitForText(page, 'stream-status', /^Cancelled after \d+ of 14 chunks$/);
    await waitForText(page, 'stream-producers', /^Rust producers alive: 0\b/);
    assert.match(await text(page, 'stream-producers'), /the cancel dropped it/);
    const live = await page.evaluate(async () => (await import('./pkg/demo.js')).liveStreamProducers());
    assert.equal(live, 0, `${read}: no Rust producer is left alive`);

    const cancelledAt = (await chunks(page)).length;
    assert.ok(cancelledAt >= 2 && cancelledAt < total, `${read}: ${cancelledAt} of ${total} chunks`);
    assert.equal(await button(page, 'Cancel').isEnabled(), false);
    assert.equal(await button(page, 'Stream').isEnabled(), true);
    await page.waitForTimeout(1000); // more than three chunk delays
    assert.equal((await chunks(page)).length, cancelledAt, `${read}: no chunk arrives after Cancel`);
    assert.equal(await page.locator('#stream-timing-rows tr').count(), cancelledAt);
    assert.match(await text(page, 'stream-status'), /^Cancelled/);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('Sync version shows every chunk at once', async () => {
  const { page, problems, context } = await demo.open();
  await button(page, 'Sync version').click();
  const shown = await chunks(page);
  assert.equal(shown.join(''), ENGLISH);
  assert.equal(shown.length, 14);
  assert.match(await text(page, 'stream-status'), /^Sync: all 14 chunks at once/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('three 1 s tasks take about 3 s in sequence and about 1 s with gather, on one time axis', async () => {
  const { page, problems, context } = await demo.open();
  assert.equal(await text(page, 'gather-total-sequential'), 'sequential: not run yet');
  await button(page, 'Run both').click();
  assert.equal(await button(page, 'Run sequential').isEnabled(), false, 'the run buttons wait for the runs');
  assert.equal(await text(page, 'gather-total-concurrent'), 'concurrent: running…');
  await waitForText(page, 'gather-total-sequential', /s$/);
  await waitForText(page, 'gather-total-concurrent', /s$/);

  const sequential = await seconds(page, 'gather-total-sequential');
  const concurrent = await seconds(page, 'gather-total-concurrent');
  assert.ok(sequential >= 2.9, `sequential ${sequential} s`);
  assert.ok(concurrent >= 0.95 && concurrent < 2, `concurrent ${concurrent} s`);

  const seq = await timeline(page, 'sequential');
  const con = await timeline(page, 'concurrent');
  assert.equal(seq.bars.length, 3);
  assert.equal(con.bars.length, 3);
  assert.ok([...seq.bars, ...con.bars].every((bar) => bar.outcome === 'ok'));
  for (let i = 1; i < 3; i += 1) {
    assert.ok(seq.bars[i].x >= seq.bars[i - 1].end - 1, 'sequential bars follow one another');
    assert.ok(Math.abs(con.bars[i].x - con.bars[0].x) < 3, 'concurrent bars start together');
  }
  // One shared axis: the drawn lengths are in the same ratio as the totals shown.
  const origin = seq.bars[0].x;
  const drawn = (seq.bars[2].end - origin) / (con.bars[0].end - origin);
  const shown = sequential / concurrent;
  assert.ok(Math.abs(drawn / shown - 1) < 0.1, `drawn ${drawn.toFixed(2)}× vs shown ${shown.toFixed(2)}×`);
  const ticks = await page.locator('#gather-timeline .axis text').allTextContents();
  assert.equal(ticks[0], '0 s');
  assert.ok(ticks.includes('1 s') && ticks.includes('3 s'), `ticks in seconds: ${ticks}`);
  assert.match(await text(page, 'gather-compare'), /faster/);
  assert.match(await page.locator('#gather-timeline').getAttribute('aria-label'), /sequential: \d\.\d\d s/);
  assert.equal(await button(page, 'Run sequential').isEnabled(), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the bars grow while a run goes on: in a row one task at a time, together all at once', async () => {
  const { page, problems, context } = await demo.open();
  const outcomes = (mode) => page.evaluate((m) => [...document.querySelectorAll(`#gather-timeline g.run[data-mode="${m}"] rect.bar`)]
    .map((bar) => bar.dataset.outcome).join(' '), mode);
  await button(page, 'Run sequential').click();
  // As soon as task 0 is drawn done (task 1 then has a second to go).
  await page.waitForFunction(() => document.querySelector('#gather-timeline g.run[data-mode="sequential"] rect.bar[data-task="0"]')
    ?.dataset.outcome === 'ok', null, { timeout: 15000 });
  const seq = await timeline(page, 'sequential');
  assert.deepEqual(seq.bars.map((bar) => [bar.task, bar.outcome]), [[0, 'ok'], [1, 'running']], 'task 0 done, task 1 running, task 2 not started');
  assert.ok(seq.bars[1].x >= seq.bars[0].end - 1, 'task 1 began where task 0 ended');
  const grownFrom = seq.bars[1].end;
  await page.waitForTimeout(300);
  assert.ok((await timeline(page, 'sequential')).bars[1].end > grownFrom, 'the running bar grows');
  await waitForText(page, 'gather-total-sequential', /s$/);

  await button(page, 'Run concurrent').click();
  await page.waitForFunction(() => document.querySelectorAll('#gather-timeline g.run[data-mode="concurrent"] rect.bar').length === 3,
    null, { timeout: 15000 });
  assert.equal(await outcomes('sequential'), 'ok ok ok', 'the sequential run is kept');
  const con = await timeline(page, 'concurrent');
  assert.deepEqual(con.bars.map((bar) => bar.outcome), ['running', 'running', 'running'], 'all three run at once');
  assert.ok(con.bars.every((bar) => Math.abs(bar.x - con.bars[0].x) < 3 && Math.abs(bar.end - con.bars[0].end) < 3));
  await waitForText(page, 'gather-total-concurrent', /s$/);
  const done = await timeline(page, 'concurrent');
  assert.deepEqual(done.bars.map((bar) => bar.outcome), ['ok', 'ok', 'ok']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a failing task: collect keeps every outcome; failFast rejects, cancels the rest and says why', async () => {
  const { page, problems, context } = await demo.open();
  await page.getByLabel('Make task 1 fail after 0.5 s').check();

  await page.getByLabel('On error').selectOption('collect');
  await button(page, 'Run concurrent').click();
  await waitForText(page, 'gather-total-concurrent', /s$/);
  let con = await timeline(page, 'concurrent');
  assert.deepEqual(con.bars.map((bar) => bar.outcome), ['ok', 'failed', 'ok']);
  assert.match(await text(page, 'gather-outcome-concurrent'), /^Resolved \(collect\): 2 ok, 1 failed: task 1 failed on purpose/);

  await page.getByLabel('On error').selectOption('failFast');
  await button(page, 'Run both').click();
  await waitForText(page, 'gather-total-sequential', /s$/);
  await waitForText(page, 'gather-total-concurrent', /s$/);

  con = await timeline(page, 'concurrent');
  assert.equal(con.bars.length, 3, 'every concurrent task started, so each has a bar');
  assert.equal(con.bars.find((bar) => bar.task === 1).outcome, 'failed');
  const cancelled = con.bars.filter((bar) => bar.outcome === 'cancelled');
  assert.ok(cancelled.length >= 1, `failFast cancelled the rest: ${JSON.stringify(con.bars)}`);
  assert.ok(con.notes.includes('✕ failed') && con.notes.includes('cancelled'), `marked: ${con.notes}`);
  const outcome = await text(page, 'gather-outcome-concurrent');
  assert.match(outcome, /^Rejected \(failFast\): task 1 failed on purpose after 500 ms\./);
  assert.match(outcome, /\d cancelled/);
  assert.ok((await seconds(page, 'gather-total-concurrent')) < 2);

  // In sequence, failFast never starts the task after the failure.
  const seq = await timeline(page, 'sequential');
  assert.deepEqual(seq.bars.map((bar) => bar.outcome), ['ok', 'failed']);
  assert.ok(seq.notes.includes('never started'));
  const total = await seconds(page, 'gather-total-sequential');
  assert.ok(total >= 1.45 && total < 2.4, `stopped after the second task (1 s + 0.5 s): ${total} s`);
  assert.match(await text(page, 'gather-compare'), /failFast stops a run at the first failure/);

  // Changing the options forgets both runs: a new sequential run is never
  // compared with the stale failFast concurrent one.
  await page.getByLabel('Make task 1 fail after 0.5 s').uncheck();
  assert.equal(await text(page, 'gather-total-concurrent'), 'concurrent: not run yet');
  assert.equal(await text(page, 'gather-total-sequential'), 'sequential: not run yet');
  await button(page, 'Run sequential').click();
  await waitForText(page, 'gather-total-sequential', /s$/);
  assert.equal(await text(page, 'gather-total-concurrent'), 'concurrent: not run yet');
  assert.doesNotMatch(await text(page, 'gather-compare'), /failFast/);
  assert.deepEqual((await timeline(page, 'sequential')).bars.map((bar) => bar.outcome), ['ok', 'ok', 'ok']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a Rust future dropped unawaited never runs; a JS async function runs when called', async () => {
  const { page, problems, context } = await demo.open();
  await button(page, 'Call both without awaiting').click();
  assert.equal(await text(page, 'never-rust'), 'Rust future side effects: 0');
  assert.equal(await text(page, 'never-js'), 'JS async function side effects: 1');
  await button(page, 'Call both without awaiting').click();
  assert.equal(await text(page, 'never-rust'), 'Rust future side effects: 0');
  assert.equal(await text(page, 'never-js'), 'JS async function side effects: 2', 'the counts add up');
  assert.match(await text(page, 'never-note'), /returned false/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('blockOn refuses at once with a WouldBlockError instead of freezing the page', async () => {
  const { page, problems, context } = await demo.open();
  await button(page, "blockOn(invokeAsync('hi', 100))").click();
  const name = await text(page, 'blockon-name');
  assert.match(name, /^WouldBlockError, thrown after /);
  const tookMs = Number(name.match(/after ([\d.]+) ms$/)?.[1]);
  assert.ok(tookMs < 100, `thrown before the Promise could even settle: ${name}`);
  const message = await text(page, 'blockon-message');
  assert.match(message, /^blockOn: /);
  assert.ok(message.length > 80, `a clear explanation: ${message}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('busyWait freezes the page for 2 s; yieldingWork does the same work and keeps it painting', async () => {
  const { page, problems, context } = await demo.open();
  await button(page, 'yieldingWork(2000, 16)').click();
  await waitForText(page, 'yield-result', /took/);
  const yielding = await text(page, 'yield-result');
  const yieldingLag = Number(await page.locator('#yield-result').getAttribute('data-lag-ms'));
  const yieldingFrames = Number(yielding.match(/(\d+) frames? painted/)?.[1]);
  assert.ok(Number(yielding.match(/took (\d+\.\d\d) s/)[1]) >= 1.9, yielding);
  assert.ok(yieldingLag < 1000, `yielding keeps the loop running: worst lag ${yieldingLag} ms`);
  assert.ok(yieldingFrames >= 10, `the page kept painting: ${yielding}`);

  await button(page, 'busyWait(2000)').click();
  await waitForText(page, 'busy-result', /took/);
  const busy = await text(page, 'busy-result');
  const busyLag = Number(await page.locator('#busy-result').getAttribute('data-lag-ms'));
  const busyFrames = Number(busy.match(/(\d+) frames? painted/)?.[1]);
  assert.ok(Number(busy.match(/took (\d+\.\d\d) s/)[1]) >= 1.9, busy);
  assert.ok(busyLag >= 1500, `blocking stalls every timer: worst lag ${busyLag} ms`);
  assert.ok(busyFrames <= 3, `no frames while blocked: ${busy}`);
  assert.match(await text(page, 'work-elapsed'), /^busyWait\(2000\): \d\.\d\d s, done$/);
  await page.waitForFunction(() => globalThis.loopbridgeDemo.lag.peak() >= 1500, null, WAIT);
  assert.deepEqual(problems, []);
  await context.close();
});

test('awaiting invokeAsync from a click resolves "Done: hello" about a second later', async () => {
  const { page, problems, context } = await demo.open();
  await button(page, "await invokeAsync('hello')").click();
  assert.match(await text(page, 'invoke-result'), /^Waiting/);
  await waitForText(page, 'invoke-result', /^Done: hello/);
  const after = Number((await text(page, 'invoke-result')).match(/after (\d+\.\d\d) s/)?.[1]);
  assert.ok(after >= 0.95, `after ${after} s`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the bridge panels have named controls and fit desktop and phone, light and dark', async () => {
  for (const [name, viewport, colorScheme] of [
    ['bridge-desktop-light', DESKTOP, 'light'],
    ['bridge-desktop-dark', DESKTOP, 'dark'],
    ['bridge-phone-light', PHONE, 'light'],
    ['bridge-phone-dark', PHONE, 'dark'],
  ]) {
    const { page, problems, context } = await demo.open({ viewport, colorScheme });
    const unnamed = await unnamedControls(page);
    assert.deepEqual(unnamed, [], name);

    // Fill every panel, then look.
    await page.getByLabel('Delay per chunk').selectOption('50');
    await button(page, 'Stream').click();
    await button(page, 'Run both').click();
    await button(page, 'Call both without awaiting').click();
    await button(page, "blockOn(invokeAsync('hi', 100))").click();
    await button(page, 'yieldingWork(2000, 16)').click();
    await waitForText(page, 'stream-status', /^Done/);
    await waitForText(page, 'gather-total-sequential', /s$/);
    await waitForText(page, 'yield-result', /took/);

    const overflow = await horizontalOverflow(page);
    assert.ok(overflow <= 0, `${name}: no horizontal scrolling (${overflow} px too wide)`);
    const svgFits = await page.evaluate(() => {
      const svg = document.getElementById('gather-timeline');
      return svg.getBoundingClientRect().right <= svg.closest('.panel').getBoundingClientRect().right;
    });
    assert.ok(svgFits, `${name}: the timeline stays inside its panel`);
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  }
});
