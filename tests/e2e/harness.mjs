// Shared set-up for the page tests: serve www/ exactly as `make demo` does
// (scripts/serve.py, loopback, COOP/COEP, CSP) and drive Debian's Chromium
// with playwright-core.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** Launches headless Chromium. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/** Opens the demo page and waits until the wasm module is ready. Page errors fail the test. */
export async function openDemo(browser, url, { viewport = { width: 1280, height: 900 }, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
  return { context, page, problems };
}

export function screenshotPath(name) {
  return join(outputDir, `${name}.png`);
}
