// Headless Debian Firefox ESR over W3C WebDriver, with geckodriver driven
// directly (playwright-core's firefox needs a Juggler build Debian lacks).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { READ_BENCH, READ_STARTUP, sleep, waitForResult } from './poll.mjs';

const FIREFOX = '/usr/bin/firefox-esr';

/** geckodriver from $GECKODRIVER, $PATH or ~/.cargo/bin; null if none. */
function findGeckodriver() {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), join(homedir(), '.cargo', 'bin')];
  const candidates = [process.env.GECKODRIVER, ...dirs.filter(Boolean).map((dir) => join(dir, 'geckodriver'))];
  return candidates.find((path) => {
    if (!path) return false;
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }) ?? null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Why Firefox cannot run here, or null if it can. */
export function firefoxMissing() {
  if (!existsSync(FIREFOX)) return `${FIREFOX} is not installed`;
  if (!findGeckodriver()) return 'geckodriver is not installed (not on PATH nor in ~/.cargo/bin)';
  return null;
}

/** Starts geckodriver and a headless Firefox session; resolves to a driver (see scripts/bench.mjs). */
export async function openFirefox() {
  const port = await freePort();
  const driver = spawn(findGeckodriver(), ['--port', String(port), '--host', '127.0.0.1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let driverLog = '';
  driver.stderr.setEncoding('utf8');
  driver.stderr.on('data', (chunk) => { driverLog = (driverLog + chunk).slice(-4000); });
  const base = `http://127.0.0.1:${port}`;

  async function call(method, path, body) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const { value } = await response.json();
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
    return value;
  }

  async function stopDriver() {
    if (driver.exitCode === null && driver.signalCode === null) {
      driver.kill('SIGTERM');
      await once(driver, 'exit');
    }
  }

  let sessionId = null;
  try {
    for (let tries = 0; ; tries += 1) {
      try {
        if ((await call('GET', '/status')).ready) break;
      } catch (error) {
        if (tries > 100) throw new Error(`geckodriver did not start: ${error.message}\n${driverLog}`);
      }
      await sleep(100);
    }
    const session = await call('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'firefox',
          'moz:firefoxOptions': { binary: FIREFOX, args: ['-headless'] },
        },
      },
    });
    sessionId = session.sessionId;
    await call('POST', `/session/${sessionId}/timeouts`, { script: 60_000, pageLoad: 60_000 });
    const { browserName, browserVersion } = session.capabilities;
    const read = (expression) => call('POST', `/session/${sessionId}/execute/sync`, { script: `return ${expression};`, args: [] });
    const go = (url) => call('POST', `/session/${sessionId}/url`, { url });
    return {
      id: 'firefox',
      name: `${browserName[0].toUpperCase()}${browserName.slice(1)} ${browserVersion}`,
      startupIsolation: 'Each run navigates the tab (via about:blank) to startup.html: a new document, which starts with no module in memory.',
      async runBench(url, onProgress) {
        await go(url);
        const result = await waitForResult(() => read(READ_BENCH), { onProgress });
        await go('about:blank');
        return result;
      },
      /**
       * One start-up measurement: a navigation to the start-up page, so a new
       * document (Firefox keeps no compiled module in memory across documents).
       */
      async startupOnce(url) {
        await go('about:blank');
        await go(url);
        return waitForResult(() => read(READ_STARTUP), { intervalMs: 50, timeoutMs: 30_000 });
      },
      async close() {
        try {
          await call('DELETE', `/session/${sessionId}`);
        } finally {
          await stopDriver();
        }
      },
    };
  } catch (error) {
    if (sessionId) await call('DELETE', `/session/${sessionId}`).catch(() => {});
    await stopDriver();
    throw error;
  }
}
