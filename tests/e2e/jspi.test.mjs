// Sync Rust that waits for Promises through JS Promise Integration, in
// headless Chromium: the page's pipeline returns the joined results while a
// counter keeps ticking; values and rejections cross `run_async` unchanged;
// without a JSPI export on the stack it refuses with WouldBlockError; and a
// browser without JSPI gets an explanation while the rest of the page works.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DESKTOP, PHONE, demoPerFile, horizontalOverflow, repoRoot, screenshotPath } from './harness.mjs';

const demo = demoPerFile();
const WAIT = { timeout: 20000 };

test('the sync pipeline returns while the page keeps ticking', async () => {
  const { context, page, problems } = await demo.open();
  try {
    const panel = page.locator('section[aria-labelledby="jspi-title"]');
    await page.getByRole('button', { name: 'Run the sync pipeline', exact: true }).click();
    await page.waitForFunction(() => /^Returned after/.test(document.getElementById('jspi-status').textContent), null, WAIT);
    assert.equal(await page.locator('#jspi-result').textContent(),
      'pipeline() returned "Done: one + Done: two + Done: three"');
    const status = await page.locator('#jspi-status').textContent();
    const seconds = Number(status.match(/after ([\d.]+) s/)?.[1]);
    assert.ok(seconds >= 1.45, `three sequential 500 ms waits take at least 1.5 s (${status})`);
    const ticks = Number((await page.locator('#jspi-ticks').textContent()).match(/delivered (\d+) ticks/)?.[1]);
    assert.ok(ticks >= 5, `the page's counter kept ticking while Rust waited (${ticks} ticks)`);
    await panel.screenshot({ path: screenshotPath('jspi-desktop') });
    await page.setViewportSize(PHONE);
    assert.equal(await horizontalOverflow(page), 0);
    await panel.screenshot({ path: screenshotPath('jspi-phone') });
    await page.setViewportSize(DESKTOP);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the panel shows the plain Rust fn it runs, exactly as in demo/src/jspi.rs', async () => {
  const { context, page } = await demo.open();
  try {
    const source = readFileSync(join(repoRoot, 'demo', 'src', 'jspi.rs'), 'utf8');
    const pipeline = source.match(/^fn pipeline\([\s\S]*?^\}$/m)?.[0];
    assert.ok(pipeline, 'demo/src/jspi.rs has fn pipeline');
    assert.equal(await page.locator('#jspi-source').textContent(), pipeline);
    assert.doesNotMatch(pipeline, /\basync\b|\.await/, 'the fn has no async in it');
  } finally {
    await context.close();
  }
});

test('values and rejections cross run_async; without JSPI on the stack it refuses', async () => {
  const { context, page, problems } = await demo.open();
  try {
    const outcome = await page.evaluate(async () => {
      const jspi = await globalThis.loopbridgeDemo.jspi.module();
      const failure = (error) => `${error.name}: ${error.message}`;
      const result = {
        value: await jspi.waitFor(Promise.resolve({ answer: 42 })),
        plain: await jspi.waitFor(7),
        later: await jspi.waitFor(new Promise((resolve) => setTimeout(() => resolve('later'), 50))),
      };
      const reason = new RangeError('out of range on purpose');
      result.sameReason = await jspi.waitFor(Promise.reject(reason)).then(() => false, (error) => error === reason);
      result.pipelineError = await jspi.syncPipeline(['a'], -1).then(String, failure);
      result.badMessages = await jspi.syncPipeline('a').then(String, failure);
      try {
        result.withoutJspi = String(jspi.waitForWithoutJspi(Promise.resolve(1)));
      } catch (error) {
        result.withoutJspi = failure(error);
      }
      // Two pipelines at once: both stacks are suspended side by side.
      const startedAt = performance.now();
      result.both = await Promise.all([jspi.syncPipeline(['a', 'b'], 300), jspi.syncPipeline(['c', 'd'], 300)]);
      result.bothMs = performance.now() - startedAt;
      return result;
    });
    assert.deepEqual(outcome.value, { answer: 42 });
    assert.equal(outcome.plain, 7);
    assert.equal(outcome.later, 'later');
    assert.equal(outcome.sameReason, true, 'the rejection reason comes back as the very same object');
    assert.match(outcome.pipelineError, /^RangeError: syncPipeline: delayMs must be a finite number from 0/);
    assert.match(outcome.badMessages, /^TypeError: syncPipeline: messages must be an array of strings/);
    assert.match(outcome.withoutJspi, /^WouldBlockError: .*no JSPI export on the stack/);
    assert.deepEqual(outcome.both, ['Done: a + Done: b', 'Done: c + Done: d']);
    assert.ok(outcome.bothMs < 1100, `two 600 ms pipelines overlap instead of queueing (${outcome.bothMs} ms)`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('run_async says WouldBlock where JS code stands between it and the JSPI export', async () => {
  const { context, page, problems } = await demo.open();
  try {
    const outcome = await page.evaluate(async () => {
      const jspi = await globalThis.loopbridgeDemo.jspi.module();
      const failure = (error) => `${error.name}: ${error.message}`;
      // syncPipeline (a JSPI export) reads its messages; a getter of one of
      // them calls a plain export that waits: JS frames stand in between.
      let inner = 'not called';
      const messages = ['a'];
      Object.defineProperty(messages, 0, {
        get() {
          try {
            inner = String(jspi.waitForWithoutJspi(new Promise((resolve) => setTimeout(resolve, 10))));
          } catch (error) {
            inner = failure(error);
          }
          return 'a';
        },
      });
      const pipeline = await jspi.syncPipeline(messages, 10).then(String, failure);
      // The module works on: a plain pipeline still suspends and returns.
      const after = await jspi.syncPipeline(['b'], 10).then(String, failure);
      return { inner, pipeline, after };
    });
    assert.match(outcome.inner, /^WouldBlockError: /, outcome.inner);
    assert.equal(outcome.pipeline, 'Done: a');
    assert.equal(outcome.after, 'Done: b');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a browser without JSPI gets an explanation and the rest of the page works', async () => {
  const context = await demo.browser.newContext({ viewport: DESKTOP });
  try {
    await context.addInitScript(() => {
      delete WebAssembly.Suspending;
      delete WebAssembly.promising;
    });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(demo.server.url);
    await page.waitForSelector('html[data-ready="true"]', WAIT);
    const note = page.locator('#jspi-unavailable');
    await note.waitFor({ state: 'visible' });
    assert.match(await note.textContent(), /no WebAssembly JS Promise Integration/);
    assert.equal(await page.getByRole('button', { name: 'Run the sync pipeline' }).isDisabled(), true);
    const resources = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));
    assert.equal(resources.some((name) => name.includes('/jspi/pkg/')), false, 'the JSPI module is not even downloaded');
    await page.getByRole('button', { name: 'await invokeAsync(\'hello\')' }).click();
    await page.waitForFunction(() => /Done: hello/.test(document.getElementById('invoke-result').textContent), null, WAIT);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
