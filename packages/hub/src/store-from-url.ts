/**
 * Builds the history store named by `--store`. `memory` is built in; the scale-out work adds
 * `sqlite:PATH` and `redis://...` here, behind the same HistoryStore interface.
 */
import type { HistoryStore } from './history-store.js';
import { MemoryHistoryStore } from './memory-store.js';

export const STORE_KINDS = ['memory'] as const;

/** The store for `spec`, or a TypeError saying which stores exist. */
export function storeFromUrl(spec: string): HistoryStore {
  if (spec === 'memory') return new MemoryHistoryStore();
  // Only the scheme is shown: a store URL may carry a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(spec)?.[0] ?? 'this value';
  throw new TypeError(`unknown store ${scheme} (available: ${STORE_KINDS.join(', ')})`);
}
