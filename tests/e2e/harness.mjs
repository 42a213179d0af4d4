// Shared set-up for the page tests: serve www/ exactly as `make demo` does
// (scripts/serve.py, loopback, COOP/COEP, CSP) and drive Debian's Chromium
// with playwright-core.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..');
export const outputDir = join(here, 'output');
mkdirSync(outputDir, { recursive: true });

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run',
];

/** Starts scripts/serve.py on a free port; resolves to { url, stop }. */
export async function serve(extraArgs = []) {
  const server = spawn('python3', [join(repoRoot, 'scripts', 'serve.py'), '--port', '0', ...extraArgs], {
    env: { ...process.env, LOOPBRIDGE_QUIET: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let banner = '';
  server.stdout.setEncoding('utf8');
  await new Promise((resolve, reject) => {
    server.stdout.on('data', (chunk) => {
      banner += chunk;
      if (banner.includes('\n')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`serve.py exited with ${code}`)));
  });
  const match = banner.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
  if (!match) {
    server.kill();
    throw new Error(`serve.py did not print its URL: ${banner}`);
  }
  return {
    url: match[0],
    async stop() {
      server.kill('SIGINT');
      await once(server, 'exit');
    },
  };
}

/**
 * Launches headless Chromium; with `bfcache`, with the back/forward cache
 * Chromium has for its users (playwright turns it off by default).
 */
export function launch({ bfcache = false } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    ignoreDefaultArgs: bfcache ? ['--disable-back-forward-cache'] : [],
  });
}

/**
 * Opens the demo page in a new page (tab) of `context` and waits until the
 * wasm module is ready; `problems` collects page errors, which fail the test.
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
  return { page, problems };
}

/** Opens the demo page in a fresh browser context (empty storage); see openPage. */
export async function openDemo(browser, url, { viewport = DESKTOP, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport, colorScheme });
  return { context, ...await openPage(context, url) };
}

export function screenshotPath(name) {
  return join(outputDir, `${name}.png`);
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** The outerHTML of every control (and labelled image) with no accessible name: should be []. */
export function unnamedControls(page) {
  return page.evaluate(() => [...document.querySelectorAll('button, select, input, textarea, canvas, svg[role="img"]')]
    .filter((el) => !(el.labels?.length || el.textContent.trim() || el.getAttribute('aria-label')))
    .map((el) => el.outerHTML));
}

/** How many CSS pixels the page is wider than the viewport (0 when it fits). */
export function horizontalOverflow(page) {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth));
}

/**
 * Serves the page and launches Chromium once for the calling test file.
 * `demo.open(options)` opens a fresh page (see openDemo); `demo.server.url` is the page's URL.
 */
export function demoPerFile() {
  const demo = {
    server: null,
    browser: null,
    open: (options) => openDemo(demo.browser, demo.server.url, options),
  };
  before(async () => {
    demo.server = await serve();
    demo.browser = await launch();
  });
  after(async () => {
    await demo.browser?.close();
    await demo.server?.stop();
  });
  return demo;
}
