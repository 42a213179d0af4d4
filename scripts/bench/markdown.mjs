// bench/results.md from the results object scripts/bench.mjs writes as JSON.
import { groupRows } from '../../www/bench/format.js';

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;

function sizeTable(size) {
  return [
    '## Size',
    '',
    'Transfer size of each release build: node zlib gzip level 9; 1 KB = 1000 bytes. The three builds: a Rust program that uses the library (examples/rust-user), the npm package (the four classes) and the demo module (the package plus the page's samples). `make size` (in `make test`) fails a build over its budget.',
    '',
    '| build | .wasm | .wasm gz | JS glue gz | total gz | budget (.wasm gz / total gz) |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...size.map((b) => `| ${b.build} | ${kb(b.wasm)} | ${kb(b.wasmGz)} | ${kb(b.glueGz)} | ${kb(b.totalGz)} | ${kb(b.wasmGzBudget)} / ${kb(b.totalGzBudget)} |`),
  ].join('\n');
}

function groupTable(group) {
  const rounds = [...new Set(group.benchmarks.map((b) => `${b.runs} runs after ${b.warmup} warm-up${b.warmup === 1 ? '' : 's'}`))];
  return [
    `### ${group.title}`,
    '',
    `${group.explanation} (${rounds.join('; ')}.)`,
    '',
    '| benchmark | candidate | unit | median | min | max | ratio |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: |',
    ...groupRows(group).map((r) => `| ${r.benchmark} | ${r.candidate} | ${r.unit} | ${r.median} | ${r.min} | ${r.max} | ${r.ratio} |`),
  ].join('\n');
}

function browserSection(entry) {
  if (entry.skipped) return `## ${entry.browser}\n\nSkipped: ${entry.skipped}.`;
  return [`## ${entry.browser} (headless)`, '', ...entry.groups.map(groupTable).flatMap((t) => [t, ''])].join('\n').trimEnd();
}

export function resultsMarkdown(results) {
  return [
    '# loopbridge benchmarks',
    '',
    `Produced by \`${results.command}\`${results.command === 'make bench' ? ' (`node scripts/bench.mjs`)' : ''} on ${results.generatedAt.slice(0, 10)} (${results.machine}). In every table, each figure is the median (and min, max) `
      + 'over the runs kept after warm-up; all candidates of a benchmark run side by side in the same page, interleaved (timers: concurrently). '
      + 'Ratio = candidate median / baseline median ("–" where the baseline is 0). Absolute numbers depend on the machine; nothing is asserted.',
    '',
    sizeTable(results.size),
    '',
    ...Object.values(results.browsers).flatMap((entry) => [browserSection(entry), '']),
  ].join('\n');
}
