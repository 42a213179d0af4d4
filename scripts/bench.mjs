// `make bench`: serves www/ as `make demo` does, opens www/bench/ in headless
// Chromium and (where installed) headless Firefox, measures start-up in fresh
// pages and the release package's gzip size, and writes bench/results.json
// and bench/results.md (median, min, max, ratio vs baseline, per browser).
//
//   node scripts/bench.mjs [--browsers chromium,firefox] [--groups throughput,timers,tasks,responsiveness,waits,startup] [--out DIR]
//
// The options are for working on one benchmark; `make bench` runs everything into bench/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, serve } from '../tests/e2e/harness.mjs';
import { openChromium } from './bench/chromium.mjs';
import { firefoxMissing, openFirefox } from './bench/firefox.mjs';
import { resultsMarkdown } from './bench/markdown.mjs';
import { BUDGETS, packageSize } from './size.mjs';
import { startupGroup } from './bench/startup.mjs';

const { values: options } = parseArgs({
  options: {
    browsers: { type: 'string', default: 'chromium,firefox' },
    groups: { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'bench') },
  },
});
const wantedBrowsers = options.browsers.split(',');
const wantedGroups = options.groups?.split(',');
const pageGroups = wantedGroups?.filter((id) => id !== 'startup');
const runStartup = !wantedGroups || wantedGroups.includes('startup');

const BROWSERS = [
  { id: 'chromium', label: 'Chromium', missing: () => null, open: openChromium },
  { id: 'firefox', label: 'Firefox', missing: firefoxMissing, open: openFirefox },
];

const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
const size = BUDGETS.map((budget) => ({ ...budget, ...packageSize(budget.dir, budget) }));
const results = {
  // `make bench` runs `node scripts/bench.mjs` with no options.
  command: process.argv.length > 2 ? `node scripts/bench.mjs ${process.argv.slice(2).join(' ')}` : 'make bench',
  generatedAt: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${platform()}`,
  size,
  browsers: {},
};

// Cold loads for the start-up benchmark: nothing may come from the HTTP cache.
const server = await serve(['--no-store']);
try {
  for (const { id, label, missing, open } of BROWSERS.filter((b) => wantedBrowsers.includes(b.id))) {
    const reason = missing();
    if (reason) {
      console.log(`${label}: skipped, ${reason}.`);
      results.browsers[id] = { browser: label, skipped: reason };
      continue;
    }
    const driver = await open();
    console.log(`${driver.name}: running (${elapsed()})`);
    const onProgress = (message) => console.log(`  [${id} ${elapsed()}] ${message}`);
    try {
      const page = new URL('bench/', server.url);
      if (pageGroups) page.searchParams.set('groups', pageGroups.join(','));
      const report = pageGroups?.length === 0 ? { userAgent: null, groups: [] } : await driver.runBench(page.href, onProgress);
      const groups = [...report.groups];
      if (runStartup) groups.push(await startupGroup(driver, server.url, { onProgress }));
      results.browsers[id] = { browser: driver.name, userAgent: report.userAgent, groups };
    } finally {
      await driver.close();
    }
  }
} finally {
  await server.stop();
}

const out = resolve(options.out);
mkdirSync(out, { recursive: true });
const markdown = resultsMarkdown(results);
writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(out, 'results.md'), markdown);
console.log(`\n${markdown}`);
console.log(`Wrote ${join(out, 'results.json')} and results.md in ${elapsed()}.`);
