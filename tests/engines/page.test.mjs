// The page in three engines: Chromium (chromedriver), Firefox (geckodriver)
// and WebKit (WebKitGTK's WebKitWebDriver under xvfb-run), driven over
// WebDriver (scripts/webdriver.mjs). The page is served as `make demo` serves it;
// each scenario clicks the page's own controls from a script and reads back
// what the page shows: the counter, the thread counter, the shared counter,
// streaming (read directly and as an HTTP response), gather, and the
// blocking worker, which WebKitGTK cannot run (no SharedArrayBuffer), so
// there the panel must say why.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { serve } from '../e2e/harness.mjs';
import { openSession } from '../../scripts/webdriver.mjs';

const ENGLISH = 'Streaming keeps the page alive: each word arrives as soon as it is ready.';

let server;
before(async () => { server = await serve(); });
after(async () => { await server?.stop(); });

/**
 * Small helpers for the page scripts (`t`), made in each script: Firefox runs
 * every WebDriver script in a sandbox of its own, so nothing set on the
 * global by one script is seen by the next.
 */
function helpers() {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const $ = (id) => document.getElementById(id);
  const until = async (what, check, ms = 20000) => {
    const end = performance.now() + ms;
    while (!check()) {
      if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(25);
    }
  };
  const choose = (id, value) => {
    $(id).value = value;
    $(id).dispatchEvent(new Event('change', { bubbles: true }));
  };
  return { sleep, $, until, choose, text: (id) => $(id).textContent, number: (id) => Number($(id).textContent) };
}

/** `scenario(t, ...args)` as a page script, with the helpers as `t`, once the page is ready. */
const inPage = (scenario) => `async (...args) => {
  const t = (${helpers})();
  await t.until('the page to be ready', () => document.documentElement.dataset.ready === 'true');
  return (${scenario})(t, ...args);
}`;

for (const engine of ['chromium', 'firefox', 'webkit']) {
  describe(engine, () => {
    let browser;
    before(async () => {
      browser = await openSession(engine);
      assert.ok(browser, `${engine}'s WebDriver is installed (scripts/setup.sh --test)`);
      await browser.goto(server.url);
    });
    after(async () => { await browser?.close(); });

    test('the page loads, with every panel wired', async () => {
      const page = await browser.evaluate(inPage((t) => ({
        loadError: t.text('load-error'),
        isolated: crossOriginIsolated,
        sharedMemory: typeof SharedArrayBuffer === 'function',
        panels: Object.keys(globalThis.loopbridgeDemo ?? {}),
      })));
      assert.equal(page.loadError, '');
      assert.equal(page.isolated, true, 'served with COOP/COEP');
      assert.equal(page.sharedMemory, engine !== 'webkit', 'WebKitGTK has no SharedArrayBuffer');
      assert.deepEqual(page.panels, ['counter', 'thread', 'shared', 'lag', 'scope', 'streaming', 'gathering', 'boundary', 'jspi', 'lastBlock']);
    });

    test('the counter: Start makes it rise, Stop makes it hold', async () => {
      const seen = await browser.evaluate(inPage(async (t) => {
        t.choose('interval', '100');
        t.$('start').click();
        await t.until('the count to reach 3', () => t.number('count') >= 3);
        t.$('stop').click();
        const held = t.number('count');
        await t.sleep(400);
        return { held, later: t.number('count'), status: t.text('worker-status') };
      }));
      assert.equal(seen.later, seen.held, 'the count holds after Stop');
      assert.equal(seen.status, 'Stopped');
    });

    test('the thread counter counts in its worker, by shared memory where there is one', async () => {
      const seen = await browser.evaluate(inPage(async (t) => {
        t.$('thread-start').click();
        await t.until('the thread counter to run', () => t.text('thread-status') === 'Running');
        await t.until('its count to reach 3', () => t.number('thread-count') >= 3);
        t.$('thread-stop').click();
        await t.until('it to stop', () => t.text('thread-status') === 'Stopped');
        const held = t.number('thread-count');
        await t.sleep(400);
        return { held, later: t.number('thread-count'), sharing: t.text('thread-sharing'), note: t.text('thread-note') };
      }));
      assert.ok(seen.held >= 3);
      assert.equal(seen.later, seen.held);
      assert.match(seen.sharing, engine === 'webkit' ? /^postMessage \(this browser has no SharedArrayBuffer/ : /^SharedArrayBuffer/);
    });

    test('the shared counter: this tab leads and counts', async () => {
      const seen = await browser.evaluate(inPage(async (t) => {
        t.$('shared-start').click();
        await t.until('the shared count to reach 2', () => t.number('shared-count') >= 2);
        t.$('shared-stop').click();
        return { role: t.text('shared-role'), status: t.text('shared-status') };
      }));
      assert.match(seen.role, /leader/i);
    });

    test('streaming: each word arrives as a chunk, read directly and as an HTTP response', async () => {
      for (const read of ['direct', 'response']) {
        const seen = await browser.evaluate(inPage(async (t, mode) => {
          t.choose('stream-delay', '50');
          document.querySelector(`input[name="stream-read"][value="${mode}"]`).click();
          t.$('stream-go').click();
          await t.until('the stream to end', () => /^Done: \d+ chunks/.test(t.text('stream-status')));
          return {
            status: t.text('stream-status'),
            chunks: [...document.querySelectorAll('#stream-output .chunk')].map((chunk) => chunk.textContent),
          };
        }), read);
        assert.match(seen.status, /^Done: 14 chunks in /, read);
        assert.equal(seen.chunks.join(''), ENGLISH, read);
        assert.equal(seen.chunks.length, 14, read);
      }
    });

    test('gather: three 1 s tasks take about 3 s in sequence and about 1 s at once', async () => {
      const seen = await browser.evaluate(inPage(async (t) => {
        t.$('gather-both').click();
        const done = (id) => /\d s$/.test(t.text(id));
        await t.until('both runs to end', () => done('gather-total-sequential') && done('gather-total-concurrent'));
        const seconds = (id) => Number(t.text(id).match(/: (\d+\.\d\d) s$/)[1]);
        return { sequential: seconds('gather-total-sequential'), concurrent: seconds('gather-total-concurrent') };
      }));
      assert.ok(seen.sequential >= 2.9, `sequential ${seen.sequential} s`);
      assert.ok(seen.concurrent >= 0.95 && seen.concurrent < 2, `concurrent ${seen.concurrent} s`);
    });

    test('the blocking worker runs its sync loop, or the panel says why it cannot', async () => {
      const seen = await browser.evaluate(inPage(async (t) => {
        if (t.$('blocking-run').disabled) {
          return { unavailable: t.text('blocking-note'), status: t.text('blocking-status') };
        }
        t.$('blocking-run').click();
        await t.until('the loop to end', () => /^Done: 5 blocking calls/.test(t.text('blocking-status')));
        return { results: document.querySelectorAll('#blocking-results li').length };
      }));
      if (engine === 'webkit') {
        assert.match(seen.unavailable, /^BlockingWorker needs SharedArrayBuffer and Atomics\.wait/);
        assert.equal(seen.status, 'Unavailable: this browser has no SharedArrayBuffer.');
      } else {
        assert.deepEqual(seen, { results: 5 });
      }
    });
  });
}
