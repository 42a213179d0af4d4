// Headless Debian Chromium through playwright-core (tests/e2e/harness.mjs).
import { launch } from '../../tests/e2e/harness.mjs';
import { READ_BENCH, READ_STARTUP, waitForResult } from './poll.mjs';

/** Launches Chromium; resolves to a driver (see scripts/bench.mjs). */
export async function openChromium() {
  const browser = await launch();
  const read = (page, expression) => page.evaluate(expression);
  return {
    id: 'chromium',
    name: `Chromium ${browser.version()}`,
    startupIsolation: 'Each run opens startup.html in a new browser context, i.e. a new renderer process, so no compiled module is left in memory from an earlier run.',
    /** Opens the bench page and resolves to what it publishes. */
    async runBench(url, onProgress) {
      const page = await browser.newPage();
      page.on('pageerror', (error) => console.error(`  [chromium] pageerror: ${error.message}`));
      try {
        await page.goto(url);
        return await waitForResult(() => read(page, READ_BENCH), { onProgress });
      } finally {
        await page.close();
      }
    },
    /**
     * One start-up measurement in a fresh browser context: a new renderer
     * process, so no compiled module is left in memory from an earlier run.
     */
    async startupOnce(url) {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(url);
        return await waitForResult(() => read(page, READ_STARTUP), { intervalMs: 50, timeoutMs: 30_000 });
      } finally {
        await context.close();
      }
    },
    close: () => browser.close(),
  };
}
