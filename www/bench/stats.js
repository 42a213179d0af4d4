// Statistics shared by the benchmark page and scripts/bench.mjs (no DOM use,
// so node imports this file too).

/** The arithmetic mean; null for no values. */
export function mean(values) {
  if (values.length === 0) return null;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The nearest-rank `p`-th percentile (0 < p <= 100); null for no values. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * Median, min and max of one candidate's samples (one per run). A sample is
 * null where the figure does not exist in this browser (e.g. long tasks in
 * Firefox); if every sample is null, so is the summary.
 */
export function summary(samples) {
  const known = samples.filter((value) => value !== null && value !== undefined);
  if (known.length === 0) return { median: null, min: null, max: null, samples };
  const sorted = [...known].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), samples };
}

/** candidate / baseline; null where it means nothing (a 0 or missing baseline). */
export function ratio(value, base) {
  if (value === null || value === undefined || base === null || base === undefined || base === 0) return null;
  return value / base;
}

/**
 * The median of the per-round ratios candidate / baseline. The two were
 * measured back to back in each round, so drift between rounds (a busy
 * machine, garbage collection, the JIT) cancels out of each ratio.
 */
export function pairedRatio(samples, baseSamples) {
  const ratios = samples.map((value, i) => ratio(value, baseSamples[i])).filter((r) => r !== null);
  return summary(ratios).median;
}

/**
 * A benchmark's result from its samples: one entry per metric, each with
 * every candidate's summary and its ratio to the baseline (paired by round).
 *
 * `bench`: { id, title, baseline, warmup, runs, metrics: [{ key, label, unit }] };
 * `samples`: { [candidate]: { [metricKey]: (number | null)[] } }.
 */
export function benchmarkResult(bench, samples) {
  return {
    id: bench.id,
    title: bench.title,
    baseline: bench.baseline,
    warmup: bench.warmup,
    runs: bench.runs,
    metrics: bench.metrics.map(({ key, label, unit }) => {
      const stats = Object.entries(samples).map(([name, byMetric]) => ({ name, ...summary(byMetric[key]) }));
      const base = samples[bench.baseline][key];
      return {
        key,
        label,
        unit,
        candidates: stats.map((s) => ({ ...s, ratio: pairedRatio(s.samples, base) })),
      };
    }),
  };
}
