// Runs one benchmark: every candidate measured side by side in the same page,
// `warmup` rounds thrown away, then `runs` rounds kept.
//
// A benchmark is
//   { id, title, baseline, warmup, runs,
//     metrics: [{ key, label, unit }],
//     candidates: string[],
//     round(index): Promise<{ [candidate]: { [metricKey]: number | null } }> }
// and a group of benchmarks is
//   { id, title, explanation, better: 'higher' | 'lower', benchmarks: [...] }.
import { benchmarkResult } from './stats.js';

/** Lets timers, rendering and garbage collection catch up between measurements. */
export function pause(ms = 20) {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}

/**
 * A `round` that measures the candidates one after another, starting with a
 * different one each round so drift, GC and JIT warm-up hit them alike.
 * `measure(make, name)` resolves to `{ [metricKey]: number | null }`.
 */
export function oneAfterAnother(candidates, measure) {
  const names = Object.keys(candidates);
  return async (round) => {
    const measured = {};
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(round + i) % names.length];
      await pause();
      measured[name] = await measure(candidates[name], name);
    }
    return measured;
  };
}

/** Runs `bench` and summarises its samples (see stats.js benchmarkResult). */
export async function runBenchmark(bench, progress = () => {}) {
  const samples = Object.fromEntries(bench.candidates.map((name) =>
    [name, Object.fromEntries(bench.metrics.map(({ key }) => [key, []]))]));
  const rounds = bench.warmup + bench.runs;
  for (let round = 0; round < rounds; round += 1) {
    const warm = round < bench.warmup;
    progress(`${bench.title}: ${warm ? `warm-up ${round + 1}/${bench.warmup}` : `run ${round - bench.warmup + 1}/${bench.runs}`}`);
    const measured = await bench.round(round);
    if (warm) continue;
    for (const name of bench.candidates) {
      for (const { key } of bench.metrics) samples[name][key].push(measured[name]?.[key] ?? null);
    }
  }
  return benchmarkResult(bench, samples);
}

/** Runs every benchmark of `group`; resolves to the group with results in place of specs. */
export async function runGroup(group, progress) {
  const benchmarks = [];
  for (const bench of group.benchmarks) benchmarks.push(await runBenchmark(bench, progress));
  const { id, title, explanation, better } = group;
  return { id, title, explanation, better, benchmarks };
}
