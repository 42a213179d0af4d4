// A small W3C WebDriver client (the classic HTTP protocol, with fetch) for
// the page tests (tests/engines, tests/examples) and the Firefox benchmark
// (scripts/bench/firefox.mjs): the browsers Playwright cannot drive here, Firefox (geckodriver) and WebKit
// (WebKitGTK's WebKitWebDriver, under xvfb-run: MiniBrowser has no headless
// mode); Chromium (chromedriver) too, so the same scenarios run in all three.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';

const which = (name) => {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
};

/** Each engine: its driver's command (`PORT` replaced) and the session's capabilities. */
export const ENGINES = {
  chromium: {
    driver: () => which('chromedriver') && [which('chromedriver'), ['--port=PORT']],
    capabilities: {
      browserName: 'chrome',
      'goog:chromeOptions': {
        binary: process.env.CHROMIUM || '/usr/bin/chromium',
        args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
      },
    },
  },
  firefox: {
    driver: () => { const path = process.env.GECKODRIVER || which('geckodriver'); return path && [path, ['--port', 'PORT']]; },
    capabilities: {
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: which('firefox-esr') || which('firefox'),
        args: ['-headless'],
        prefs: { 'dom.ipc.processCount': 2 },
      },
    },
  },
  webkit: {
    driver: () => which('WebKitWebDriver') && which('xvfb-run') && ['xvfb-run', ['-a', which('WebKitWebDriver'), '--port=PORT']],
    capabilities: {
      'webkitgtk:browserOptions': {
        // Debian's webkit2gtk-driver: /usr/lib/<multiarch triplet>/webkit2gtk-4.1/
        binary: readdirSync('/usr/lib').map((dir) => `/usr/lib/${dir}/webkit2gtk-4.1/MiniBrowser`).find(existsSync),
        args: ['--automation'],
      },
    },
  },
};

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function call(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const { value } = await response.json();
  if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
  return value;
}

/**
 * Starts `engine`'s driver and a browser session; resolves to
 * `{ goto(url), evaluate(fn, ...args), close() }`, or `null` where the
 * engine's driver is not installed.
 */
export async function openSession(engine) {
  const command = ENGINES[engine].driver();
  if (!command) return null;
  const port = await freePort();
  const [program, args] = command;
  const driver = spawn(program, args.map((arg) => arg.replace('PORT', String(port))), { stdio: 'ignore', detached: true });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      process.kill(-driver.pid, 'SIGTERM'); // the driver and what it started (xvfb-run's children)
    } catch {
      // already gone
    }
    if (driver.exitCode === null) await once(driver, 'exit');
  };
  for (let tries = 0; ; tries += 1) {
    try {
      await call(base, 'GET', '/status');
      break;
    } catch (error) {
      if (tries > 200 || driver.exitCode !== null) {
        await stop();
        throw new Error(`${engine}'s WebDriver did not start`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  let session;
  try {
    session = await call(base, 'POST', '/session', { capabilities: { alwaysMatch: ENGINES[engine].capabilities } });
    await call(base, 'POST', `/session/${session.sessionId}/timeouts`, { script: 60000, pageLoad: 30000 });
  } catch (error) {
    await stop();
    throw error;
  }
  const path = `/session/${session.sessionId}`;
  return {
    engine,
    browserVersion: session.capabilities.browserVersion,
    goto: (url) => call(base, 'POST', `${path}/url`, { url }),
    /**
     * Runs `fn(...args)` in the page (`fn` a function, or its source) and
     * resolves to what it resolves to (JSON); a throw or rejection in the
     * page rejects here with its message and stack.
     */
    async evaluate(fn, ...args) {
      const script = `const done = arguments[arguments.length - 1];
        Promise.resolve().then(() => (${fn})(...Array.from(arguments).slice(0, -1)))
          .then((value) => done({ value }), (error) => done({ error: [String(error), error && error.stack].filter(Boolean).join(' at ') }));`;
      const result = await call(base, 'POST', `${path}/execute/async`, { script, args });
      if (result.error !== undefined) throw new Error(`in ${engine}: ${result.error}`);
      return result.value;
    },
    async close() {
      try {
        await call(base, 'DELETE', path);
      } finally {
        await stop();
      }
    },
  };
}
