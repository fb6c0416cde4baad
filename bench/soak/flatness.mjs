// The soak's verdict on "flat": after the warm-up, the median of the first quarter of the samples against
// the median of the last quarter, for each figure, as a ratio; growth beyond its limit fails the run. A
// median per quarter, not a fit over all samples: one noisy neighbour on the shared machine moves a few
// samples, not the median of forty.
import { median } from '../shared/proc-stats.mjs';

/**
 * `samples`: [{ atS, ...figures }] in time order; `figures`: [{ name, pick(sample), limit, floor? }]
 * (limit null: shown, not judged; floor: medians under it count as it, so that growth within the noise of a near-zero figure — 1 → 2 ms
 * of event-loop delay — is not called growth). Returns { used, rows: [{ name, first, last, ratio, limit,
 * ok }], ok }, or ok null when fewer than 4 samples follow the warm-up.
 */
export function flatnessVerdict(samples, { warmupS, figures }) {
  const used = samples.filter((s) => s.atS > warmupS);
  if (used.length < 4) return { used: used.length, rows: [], ok: null };
  const quarter = Math.floor(used.length / 4);
  const head = used.slice(0, quarter);
  const tail = used.slice(used.length - quarter);
  const rows = figures.map(({ name, pick, limit, floor = 0 }) => {
    const first = median(head.map(pick));
    const last = median(tail.map(pick));
    const ratio = Math.max(last, floor) / Math.max(first, floor);
    return { name, first, last, ratio, limit, ok: limit === null || ratio <= limit };
  });
  return { used: used.length, quarter, rows, ok: rows.every((row) => row.ok) };
}
