// Lighthouse over the demo page, as `make demo` serves it, in Debian's
// Chromium, as a phone (Lighthouse's default: simulated slow 4G and a 4x
// slower CPU) and as a desktop. Prints each category's score and every
// audit that did not pass; the reports go to target/lighthouse/. Offline:
// the page and Lighthouse itself need no network.
//
//     make lighthouse        (or: node scripts/lighthouse.mjs)
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, serve } from '../tests/e2e/harness.mjs';

const run = promisify(execFile);
const outDir = join(repoRoot, 'target', 'lighthouse');
mkdirSync(outDir, { recursive: true });

const FORMS = {
  phone: [],
  desktop: ['--preset=desktop'],
};

/** One run; Lighthouse sometimes loses its trace (NO_NAVSTART): then again, up to 3 times. */
async function lighthouse(url, output, flags) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await run(join(repoRoot, 'node_modules', '.bin', 'lighthouse'), [
        url, '--quiet', '--output=json', `--output-path=${output}`,
        '--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage',
        ...flags,
      ], { env: { ...process.env, CHROME_PATH: process.env.CHROMIUM || '/usr/bin/chromium' }, maxBuffer: 1 << 26 });
      return;
    } catch (error) {
      if (attempt === 3 || !/NO_NAVSTART|run Lighthouse again/.test(error.stderr)) throw error;
      console.log(`  (Lighthouse lost its trace, attempt ${attempt}: again)`);
    }
  }
}

const server = await serve();
try {
  for (const [form, flags] of Object.entries(FORMS)) {
    const output = join(outDir, `${form}.json`);
    await lighthouse(server.url, output, flags);
    const report = JSON.parse(readFileSync(output, 'utf8'));
    const scores = Object.values(report.categories).map((c) => `${c.title} ${Math.round(c.score * 100)}`);
    console.log(`${form}: ${scores.join(', ')}`);
    for (const audit of Object.values(report.audits)) {
      if (audit.score === null || audit.score >= 1) continue;
      if (['informative', 'manual', 'notApplicable'].includes(audit.scoreDisplayMode)) continue;
      console.log(`  - ${audit.id} (${audit.score}): ${audit.displayValue || audit.title}`);
    }
  }
} finally {
  await server.stop();
}
