/**
 * The keys of one log. All of them carry the hash tag `{log}` after the prefix, so they sit in one hash
 * slot and the scripts, which touch several keys at once, also run on a Redis Cluster. Redis hashes the
 * first `{…}` of a key, so a prefix with a tag of its own (`app{eu}:`) takes precedence and spreads
 * several logs over a cluster.
 */
export interface LogKeys {
  /** The stream: one entry per event, its stream id `<position>-0`, so the stream order is the log order. */
  readonly stream: string;
  /** HASH event id → position of the entries kept, for duplicate checks and `lookup`. */
  readonly ids: string;
  /**
   * HASH of counters kept with the stream by the scripts: `seq` (last position given), `count` and
   * `bytes` (entries kept and their total size), `trimmed` (highest position trimmed from the history),
   * `lingerBytes` (size of the trimmed entries still in the stream for lagging feeds).
   */
  readonly meta: string;
}

export function logKeys(prefix: string): LogKeys {
  const base = `${prefix}{log}:`;
  return { stream: `${base}stream`, ids: `${base}ids`, meta: `${base}meta` };
}
