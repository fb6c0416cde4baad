/**
 * The event log named by `--store` (or `TIDINGS_STORE`):
 *   memory                                   in this process (the default; nothing survives a restart)
 *   sqlite:PATH                              durable, one process per file (@tidings/sqlite)
 *   redis://[:PASSWORD@]HOST:PORT[/DB][?prefix=P]   shared by every hub on the same Redis and prefix
 *                                            (@tidings/redis; rediss:// for TLS)
 * The SQLite and Redis packages are loaded only when named, so a memory hub never loads a native module.
 */
import { type EventLog, type LogLimits, MemoryLog } from '@tidings/server';

export const STORE_KINDS = ['memory', 'sqlite', 'redis'] as const;

export type StoreSpec =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'redis'; readonly url: string; readonly prefix: string | undefined };

/** Parses a store spec, or throws a TypeError that names the stores that exist (never the URL: it may hold a password). */
export function parseStoreSpec(spec: string): StoreSpec {
  if (spec === 'memory') return { kind: 'memory' };
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (path === '')
      throw new TypeError('--store sqlite:PATH needs the path of the database file, e.g. sqlite:./hub.db');
    return { kind: 'sqlite', path };
  }
  if (spec.startsWith('redis://') || spec.startsWith('rediss://')) {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      throw new TypeError('--store redis://HOST:PORT[/DB] is not a valid URL');
    }
    const prefix = url.searchParams.get('prefix') ?? undefined;
    url.search = '';
    return { kind: 'redis', url: url.href, prefix };
  }
  // Only the scheme is shown: a store URL may carry a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(spec)?.[0] ?? 'this value';
  throw new TypeError(`unknown store ${scheme} (available: memory, sqlite:PATH, redis://HOST:PORT[/DB])`);
}

/** Opens the log a spec names, with these limits. */
export async function openEventLog(spec: StoreSpec, limits: LogLimits): Promise<EventLog> {
  switch (spec.kind) {
    case 'memory':
      return new MemoryLog(limits);
    case 'sqlite': {
      const { SqliteLog } = await import('@tidings/sqlite');
      return new SqliteLog({ path: spec.path, limits });
    }
    case 'redis': {
      const { RedisLog } = await import('@tidings/redis');
      return new RedisLog({ url: spec.url, limits, ...(spec.prefix !== undefined && { prefix: spec.prefix }) });
    }
  }
}
