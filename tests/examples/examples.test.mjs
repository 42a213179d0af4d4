// The consumer projects in examples/, as a JS developer would use them:
// each installs the packed tarball (make pack), builds with its own tool,
// is served (scripts/serve.py with COOP/COEP and a strict CSP, or Vite's own
// servers) and opened in headless Chromium; Node runs its own. Each runs the
// same checks (examples/checks/checks.js) and the results must be what that
// environment gives: counts, gather's results, the worker's answers, the
// clear errors in Node.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launch, repoRoot, serve } from '../e2e/harness.mjs';
import { freePort, openSession } from '../../scripts/webdriver.mjs';

const examples = join(repoRoot, 'examples');
const LAST_TICK = ['count', 'deadlineMs', 'latenessMs', 'missed'];

/** What a cross-origin isolated browser page gets. */
const IN_BROWSER = {
  counterWorker: { counts: true, last: true, lastTick: LAST_TICK },
  threadCounter: { started: true, stopped: true, counts: true, lastTick: LAST_TICK, sharedMemory: true },
  sharedCounter: { role: 'leader', reached: true },
  gather: { values: ['a', 'b', 'c'], failFast: ['GatherError', 1, ['cancelled', 'rejected']] },
  blockingWorker: { values: [0, 10, 20] },
};

const NO_WORKERS = 'needs Web Workers (a browser), and this JS runtime has no Worker; '
  + 'CounterWorker and its streams work here';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Installs `name`'s dependencies, the freshly packed loopbridge included. */
function install(name) {
  const dir = join(examples, name);
  rmSync(join(dir, 'node_modules', 'loopbridge'), { recursive: true, force: true });
  execFileSync('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir, stdio: ['ignore', 'ignore', 'inherit'],
  });
  return dir;
}

function run(dir, command, args) {
  execFileSync(command, args, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Opens `url` and resolves to the results the example's page shows. */
async function pageResults(url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(url);
    await page.waitForSelector('html[data-done="true"]', { timeout: 30000 });
    const results = JSON.parse(await page.textContent('#results'));
    assert.deepEqual(problems, [], 'uncaught errors on the page');
    return results;
  } finally {
    await context.close();
  }
}

/** Serves `root` with scripts/serve.py while `use(url)` runs. */
async function served(root, use, args = []) {
  const server = await serve(['--root', root, ...args]);
  try {
    return await use(server.url);
  } finally {
    await server.stop();
  }
}

/** Runs Vite (`dev` or `preview`) in `dir` while `use(url)` runs. */
async function vite(dir, mode, use) {
  const port = await freePort();
  const args = [join(dir, 'node_modules', 'vite', 'bin', 'vite.js'),
    ...(mode === 'dev' ? [] : [mode]), '--host', '127.0.0.1', '--port', String(port), '--strictPort'];
  const server = spawn(process.execPath, args, { cwd: dir, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  try {
    for (let tries = 0; ; tries += 1) {
      try {
        if ((await fetch(url)).ok) break;
      } catch (error) {
        if (tries > 300) throw new Error(`vite ${mode} did not answer at ${url}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return await use(url);
  } finally {
    server.kill();
    await once(server, 'exit');
  }
}

test('a plain page loads the installed package as it is (web build)', async () => {
  install('plain-page');
  assert.deepEqual(await served(examples, (url) => pageResults(`${url}plain-page/`)), IN_BROWSER);
});

test('without cross-origin isolation the count crosses by message and BlockingWorker says why', async () => {
  const results = await served(examples, (url) => pageResults(`${url}plain-page/`), ['--no-isolation']);
  assert.deepEqual(results.counterWorker, IN_BROWSER.counterWorker);
  assert.deepEqual(results.threadCounter, { ...IN_BROWSER.threadCounter, sharedMemory: false });
  assert.deepEqual(results.sharedCounter, IN_BROWSER.sharedCounter);
  assert.deepEqual(results.gather, IN_BROWSER.gather);
  assert.match(results.blockingWorker.unavailable, /^BlockingWorker needs cross-origin isolation \(COOP\/COEP\)/);
});

/** The results of the page at `url` in `engine` (over WebDriver). */
async function engineResults(engine, url) {
  const browser = await openSession(engine);
  assert.ok(browser, `${engine}'s WebDriver is installed (scripts/setup.sh --test)`);
  try {
    await browser.goto(url);
    return await browser.evaluate(async () => {
      const end = performance.now() + 30000;
      while (document.documentElement.dataset.done !== 'true') {
        if (performance.now() > end) throw new Error('the checks did not finish');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return JSON.parse(document.querySelector('#results').textContent);
    });
  } finally {
    await browser.close();
  }
}

test('the plain page in Firefox, and in WebKit, which has no SharedArrayBuffer and cannot iterate a stream', async () => {
  await served(examples, async (url) => {
    assert.deepEqual(await engineResults('firefox', `${url}plain-page/`), IN_BROWSER, 'firefox');
    const webkit = await engineResults('webkit', `${url}plain-page/`);
    assert.deepEqual(webkit, {
      ...IN_BROWSER,
      threadCounter: { ...IN_BROWSER.threadCounter, sharedMemory: false },
      blockingWorker: {
        unavailable: 'BlockingWorker needs SharedArrayBuffer and Atomics.wait, which this browser does not '
          + 'have even though the page is cross-origin isolated; the counters and gather work here',
      },
    }, 'webkit');
  });
});

for (const name of ['vite', 'vite-bundler-target']) {
  test(`${name}: the dev server, and the production build served by vite preview`, async () => {
    const dir = install(name);
    assert.deepEqual(await vite(dir, 'dev', pageResults), IN_BROWSER, 'vite dev');
    run(dir, process.execPath, [join(dir, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error']);
    assert.deepEqual(await vite(dir, 'preview', pageResults), IN_BROWSER, 'vite build + preview');
  });
}

for (const name of ['webpack', 'webpack-bundler-target', 'esbuild']) {
  test(`${name}: the production bundle, served with a strict CSP`, async () => {
    const dir = install(name);
    run(dir, 'npm', ['run', '--silent', 'build']);
    assert.deepEqual(await served(join(dir, 'dist'), pageResults), IN_BROWSER);
  });
}

test('typescript: the package\'s types under a default tsconfig, with TypeScript 7 and 5', () => {
  const dir = install('typescript');
  for (const compiler of ['typescript', 'typescript5']) {
    run(dir, process.execPath, [join(dir, 'node_modules', compiler, 'bin', 'tsc'), '-p', '.']);
  }
});

test('node: the counter and its stream work; the browser-only classes say what they need', () => {
  const dir = install('node');
  const results = JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8' }));
  assert.deepEqual(results, {
    counterWorker: IN_BROWSER.counterWorker,
    threadCounter: { error: `Error: ThreadCounter ${NO_WORKERS}` },
    sharedCounter: { error: 'Error: SharedCounter needs localStorage, which is not available here' },
    gather: IN_BROWSER.gather,
    blockingWorker: { unavailable: `BlockingWorker ${NO_WORKERS}` },
  });
});
