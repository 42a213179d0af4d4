// The benchmark page: runs each benchmark with its baselines side by side,
// several times after a warm-up, and publishes the results on
// `globalThis.loopbridgeBench` (read by scripts/bench.mjs) and as a text table.
// `?groups=timers,tasks` runs only those groups (ids below).
// Uses its own build of the package (feature `bench`, with the wasm-streams anchor).
import init from './pkg/demo.js';
import { groupRows } from './format.js';
import { responsivenessGroup } from './responsiveness.js';
import { pause, runGroup } from './runner.js';
import { tasksGroup } from './tasks.js';
import { throughputGroup } from './throughput.js';
import { timersGroup } from './timers.js';
import { waitsGroup } from './waits.js';

const GROUPS = [throughputGroup, timersGroup, tasksGroup, responsivenessGroup, waitsGroup];

const status = document.getElementById('bench-status');
const table = document.getElementById('bench-table');

/** Shows (and publishes, for scripts/bench.mjs) what is running now. */
function progress(message) {
  globalThis.loopbridgeBenchProgress = message;
  status.textContent = `Running ${message}…`;
}

function selectedGroups() {
  const wanted = new URLSearchParams(location.search).get('groups')?.split(',');
  const groups = GROUPS.map((make) => make());
  return wanted ? groups.filter((group) => wanted.includes(group.id)) : groups;
}

/** The results as plain text, one block per group. */
function render(groups) {
  return groups.map((group) => {
    const rows = groupRows(group);
    const width = Math.max(...rows.map((row) => row.candidate.length));
    let current = null;
    const lines = [`== ${group.title} ==`];
    for (const row of rows) {
      if (row.benchmark !== current) {
        current = row.benchmark;
        lines.push(`${current} (${row.unit})`);
      }
      lines.push(`  ${row.candidate.padEnd(width)}  median ${row.median.padStart(10)}  ratio ${row.ratio}`);
    }
    return lines.join('\n');
  }).join('\n\n');
}

try {
  progress('initialisation');
  await init();
  const groups = [];
  for (const group of selectedGroups()) {
    await pause(1000); // let the previous group's garbage be collected first
    groups.push(await runGroup(group, progress));
    table.textContent = render(groups);
  }
  globalThis.loopbridgeBench = { userAgent: navigator.userAgent, groups };
  status.textContent = 'Done.';
} catch (error) {
  globalThis.loopbridgeBench = { error: String(error?.stack ?? error) };
  status.textContent = `Failed: ${error}`;
}
