// Made-up headlines for the news feed, built from a few parts so a long-running demo rarely repeats itself.
// The order is fixed: the n-th headline of every run is the same.

export const SECTIONS = ['World', 'Science', 'Sport', 'Culture', 'Tech'] as const;
const WHO = ['Harbour council', 'Lighthouse keepers', 'The coastal choir', 'Tide researchers', 'A local bakery'];
const DID = ['announces', 'wins', 'postpones', 'celebrates', 'rethinks'];
const WHAT = ['a floating library', 'the annual regatta', 'a record low tide', 'free ferry Fridays', 'a new pier'];

export interface Headline {
  readonly title: string;
  readonly section: (typeof SECTIONS)[number];
  /** When the server published it (ISO 8601). */
  readonly publishedAt: string;
}

/** The n-th headline (n from 0). Walks the parts at different strides so neighbours differ in every part. */
export function headline(n: number, now: Date = new Date()): Headline {
  const pick = <T>(list: readonly T[], stride: number): T =>
    list[(n * stride + Math.floor(n / list.length)) % list.length]!;
  return {
    title: `${pick(WHO, 1)} ${pick(DID, 2)} ${pick(WHAT, 3)}`,
    section: pick(SECTIONS, 4),
    publishedAt: now.toISOString(),
  };
}
