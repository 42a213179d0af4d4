// axe-core (npm) over the whole page in light and dark, desktop and phone:
// at rest, and again after every panel has been used (counters running, a
// block, a stream read, gather with a failFast failure, the blocking
// worker's loop, a crashed worker), so that states drawn only after a click
// are checked too. Zero violations is the bar.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DESKTOP, PHONE, demoPerFile, openPage, repoRoot } from './harness.mjs';

const demo = demoPerFile();
const AXE = join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js');

/** axe's violations on the page, as `id (impact): selectors`. */
async function violations(page) {
  // Injected as a script element: the context bypasses the page's CSP for it.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => (await globalThis.axe.run(document)).violations.map((violation) => (
    `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`
  )));
}

/** Uses every panel, leaving each in a state that shows a result. */
async function useEveryPanel(page) {
  const click = (name) => page.getByRole('button', { name, exact: true }).click();
  const until = (id, pattern) => page.waitForFunction(
    ([elementId, source]) => new RegExp(source).test(document.getElementById(elementId).textContent),
    [id, pattern.source],
    { timeout: 20000 },
  );
  await page.getByLabel('Interval').selectOption('100');
  await click('Start');
  await click('Start thread counter');
  await click('Start shared counter');
  await until('thread-status', /^Running$/);
  await click('Block the main thread for 2 s');
  await until('explanation', /\S/);
  await page.getByLabel('Delay per chunk').selectOption('50');
  await click('Stream');
  await until('stream-status', /^Done/);
  await page.getByLabel('Make task 1 fail after 0.5 s').check();
  await page.getByLabel('On error').selectOption('failFast');
  await click('Run both');
  await until('gather-total-sequential', /s$/);
  await until('gather-total-concurrent', /s$/);
  await click('Run the sync loop in a worker');
  await until('blocking-status', /^Done/);
  await click('Crash the worker');
  await until('thread-status', /^Crashed/);
}

for (const colorScheme of ['light', 'dark']) {
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    test(`axe: no violations, ${size} ${colorScheme}, at rest and after every panel was used`, async () => {
      const context = await demo.browser.newContext({ viewport, colorScheme, bypassCSP: true });
      try {
        const { page } = await openPage(context, demo.server.url);
        assert.deepEqual(await violations(page), [], 'at rest');
        // A link that opens a new tab says so in its accessible name.
        for (const name of await page.locator('a[target="_blank"]').evaluateAll((links) => links.map((link) => link.textContent))) {
          assert.match(name, /opens a new tab/, name);
        }
        await useEveryPanel(page);
        assert.deepEqual(await violations(page), [], 'after every panel was used');
        // The gather timeline's lanes stand out from the panel (WCAG's 3:1
        // for graphics): their edge, whatever the fill.
        const laneContrast = await page.evaluate(() => {
          const rgb = (color) => color.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
          const luminance = (color) => {
            const [r, g, b] = rgb(color).map((c) => c / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
          };
          const lane = document.querySelector('#gather-timeline .lane');
          const panel = lane.closest('section');
          const [a, b] = [getComputedStyle(lane).stroke, getComputedStyle(panel).backgroundColor].map(luminance);
          return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        });
        assert.ok(laneContrast >= 3, `the lanes' edge is ${laneContrast.toFixed(2)}:1 on the panel`);
        // Readouts that change ten times a second are not live regions: a
        // screen reader would announce them without pause.
        assert.deepEqual(await page.evaluate(() => ['lag-now', 'lag-peak'].map((id) => document.getElementById(id).getAttribute('aria-live'))), ['off', 'off']);
      } finally {
        await context.close();
      }
    });
  }
}

test('a control that disables itself hands keyboard focus on, never to <body>', async () => {
  const context = await demo.browser.newContext({ viewport: DESKTOP });
  try {
    const { page } = await openPage(context, demo.server.url);
    const focusAfterPressing = async (id) => {
      await page.focus(`#${id}`);
      await page.keyboard.press('Enter');
      await page.waitForTimeout(150);
      return page.evaluate(() => ({
        id: document.activeElement.id,
        tag: document.activeElement.tagName,
        text: document.activeElement.textContent.trim().slice(0, 40),
      }));
    };
    const moved = {};
    for (const id of ['start', 'stop', 'thread-start', 'shared-start', 'stream-go', 'gather-both', 'blocking-run', 'never-run']) {
      moved[id] = await focusAfterPressing(id);
      assert.notEqual(moved[id].tag, 'BODY', `${id}: focus fell to <body>`);
    }
    assert.equal(moved.start.id, 'stop', 'Start hands focus to Stop');
    assert.equal(moved.stop.id, 'start', 'and Stop back to Start');
    assert.equal(moved['stream-go'].id, 'stream-cancel', 'Stream hands focus to Cancel');
  } finally {
    await context.close();
  }
});
