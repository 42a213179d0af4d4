// `make bench`: opens www/bench/ in headless Chromium (served as `make demo`
// serves the page), waits for the benchmarks, and writes bench/results.json
// and bench/results.md (median, min, max, ratio vs baseline).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, repoRoot, serve } from '../tests/e2e/harness.mjs';

const server = await serve();
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(new URL('bench/', server.url).href);
  await page.waitForFunction(() => globalThis.loopbridgeBench, null, { timeout: 600_000 });
  const report = await page.evaluate(() => globalThis.loopbridgeBench);
  if (report.error) throw new Error(report.error);
  const browserName = `Chromium ${browser.version()}`;
  const rows = [];
  for (const result of report.results) {
    for (const c of result.candidates) {
      rows.push(`| ${result.benchmark} | ${c.name}${c.name === result.baseline ? ' (baseline)' : ''} | ${fmt(c.median)} | ${fmt(c.min)} | ${fmt(c.max)} | ${c.ratio.toFixed(2)} |`);
    }
  }
  const table = [
    `Measured with \`make bench\` in headless ${browserName}, ${report.runs} runs after ${report.warmup} warm-up runs; ratios are against the baseline in the same page.`,
    '',
    '| benchmark | candidate | median | min | max | ratio |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  writeFileSync(join(repoRoot, 'bench', 'results.json'), JSON.stringify({ browser: browserName, ...report }, null, 2));
  writeFileSync(join(repoRoot, 'bench', 'results.md'), `${table}\n`);
  console.log(table);
} finally {
  await browser.close();
  await server.stop();
}

function fmt(value) {
  return value >= 1000 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}
