// The cluster's place in Redis: a key prefix of its own, the store URL that gives it to both hubs, a check
// that Redis answers before any hub starts, and the removal of the prefix's keys when the cluster closes.
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

/** The Redis the example uses when neither the redisUrl option nor REDIS_URL names one. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** Milliseconds to wait for Redis to accept a connection before saying it is unreachable. */
export const REDIS_CONNECT_TIMEOUT_MS = 2_000;
/** Start of every prefix this example makes. */
export const PREFIX_BASE = 'tidings-example-cluster:';
/** The hub's own limit on a key prefix (@tidings/redis). */
const MAX_PREFIX_LENGTH = 200;

/**
 * A prefix for one run: `tidings-example-cluster:<time>-<random>:`. Two runs at once (two terminals, or a
 * test beside `npm start`) then never see each other's events, and a run never replays the last one's.
 */
export function newPrefix(): string {
  return `${PREFIX_BASE}${Date.now().toString(36)}-${randomBytes(4).toString('hex')}:`;
}

/** Throws a TypeError unless `url` is a redis:// or rediss:// URL and `prefix` a usable key prefix. */
export function checkRedisOptions(url: string, prefix: string): void {
  if (!/^rediss?:\/\//.test(url) || !URL.canParse(url)) {
    throw new TypeError('redisUrl must be a redis://HOST:PORT[/DB] or rediss:// URL, such as redis://127.0.0.1:6379');
  }
  if (prefix.length === 0 || prefix.length > MAX_PREFIX_LENGTH) {
    throw new TypeError(`prefix must be 1 to ${MAX_PREFIX_LENGTH} characters, such as 'my-cluster:'`);
  }
}

/** The `--store` value for the hubs: the Redis URL with `?prefix=…` (every node gets the same one). */
export function storeUrl(redisUrl: string, prefix: string): string {
  const url = new URL(redisUrl);
  url.searchParams.set('prefix', prefix);
  return url.href;
}

/** The URL without user name or password, for messages. */
export function redisLabel(redisUrl: string): string {
  const url = new URL(redisUrl);
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

function makeClient(redisUrl: string) {
  // No reconnecting: one try, and an answer within the timeout, rather than waiting for a Redis that is not there.
  return createClient({
    url: redisUrl,
    socket: { connectTimeout: REDIS_CONNECT_TIMEOUT_MS, reconnectStrategy: false },
  });
}

async function withRedis<T>(redisUrl: string, use: (client: ReturnType<typeof makeClient>) => Promise<T>) {
  const client = makeClient(redisUrl);
  client.on('error', () => {}); // Reported through the promises below; an 'error' without a listener would throw.
  try {
    await client.connect();
  } catch {
    throw new Error(
      `cannot reach Redis at ${redisLabel(redisUrl)}: start it, or set REDIS_URL to one that runs ` +
        '(the cluster example needs Redis: it is what makes the two hubs one)',
    );
  }
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/** Resolves once Redis answers a PING; rejects with an Error that says what to do otherwise. */
export async function checkRedis(redisUrl: string): Promise<void> {
  await withRedis(redisUrl, (client) => client.ping());
}

/** Deletes every key that starts with `prefix` and resolves how many there were. */
export function deleteKeys(redisUrl: string, prefix: string): Promise<number> {
  return withRedis(redisUrl, async (client) => {
    let deleted = 0;
    // SCAN, not KEYS: it does not block a Redis that holds other applications' data.
    for await (const keys of client.scanIterator({ MATCH: `${escapeGlob(prefix)}*`, COUNT: 100 })) {
      if (keys.length > 0) deleted += await client.del(keys);
    }
    return deleted;
  });
}

/** `prefix` as a SCAN pattern that matches only itself (`*`, `?`, `[`, `]` and `\` are pattern characters). */
function escapeGlob(prefix: string): string {
  return prefix.replace(/[*?[\]\\]/g, '\\$&');
}
