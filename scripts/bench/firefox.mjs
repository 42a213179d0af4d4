// Headless Debian Firefox ESR over W3C WebDriver (playwright-core's firefox
// needs a Juggler build Debian lacks), through the project's WebDriver
// client (scripts/webdriver.mjs).
import { ENGINES, openSession } from '../webdriver.mjs';
import { READ_BENCH, READ_STARTUP, waitForResult } from './poll.mjs';

/** Why Firefox cannot run here, or null if it can. */
export function firefoxMissing() {
  if (!ENGINES.firefox.capabilities['moz:firefoxOptions'].binary) return 'firefox-esr is not installed';
  if (!ENGINES.firefox.driver()) return 'geckodriver is not installed (not on PATH nor in $GECKODRIVER)';
  return null;
}

/** Starts geckodriver and a headless Firefox session; resolves to a driver (see scripts/bench.mjs). */
export async function openFirefox() {
  const session = await openSession('firefox');
  const read = (expression) => session.evaluate(`() => (${expression})`);
  return {
    id: 'firefox',
    name: `Firefox ${session.browserVersion}`,
    startupIsolation: 'Each run navigates the tab (via about:blank) to startup.html: a new document, which starts with no module in memory.',
    async runBench(url, onProgress) {
      await session.goto(url);
      const result = await waitForResult(() => read(READ_BENCH), { onProgress });
      await session.goto('about:blank');
      return result;
    },
    /**
     * One start-up measurement: a navigation to the start-up page, so a new
     * document (Firefox keeps no compiled module in memory across documents).
     */
    async startupOnce(url) {
      await session.goto('about:blank');
      await session.goto(url);
      return waitForResult(() => read(READ_STARTUP), { intervalMs: 50, timeoutMs: 30_000 });
    },
    close: () => session.close(),
  };
}
