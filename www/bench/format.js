// Number formatting shared by the page's text table and scripts/bench.mjs's
// markdown (no DOM use, so node imports this file too).

/** A figure: thousands separated when large, 2 decimals when small, "n/a" when missing. */
export function formatValue(value) {
  if (value === null || value === undefined) return 'n/a';
  if (Number.isInteger(value) || Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(2);
}

/** A ratio to the baseline; "–" where it means nothing (a 0 or missing baseline). */
export function formatRatio(ratio) {
  return ratio === null || ratio === undefined ? '–' : ratio.toFixed(2);
}

/**
 * The rows of a group's table: one per benchmark × metric × candidate, as
 * { benchmark, candidate, unit, median, min, max, ratio } strings.
 */
export function groupRows(group) {
  const rows = [];
  for (const bench of group.benchmarks) {
    for (const metric of bench.metrics) {
      const label = bench.metrics.length > 1 ? `${bench.title}: ${metric.label}` : bench.title;
      for (const c of metric.candidates) {
        rows.push({
          benchmark: label,
          candidate: c.name === bench.baseline ? `${c.name} (baseline)` : c.name,
          unit: metric.unit,
          median: formatValue(c.median),
          min: formatValue(c.min),
          max: formatValue(c.max),
          ratio: formatRatio(c.ratio),
        });
      }
    }
  }
  return rows;
}
