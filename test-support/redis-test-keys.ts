// Helpers for tests on Redis: the URL of the machine's Redis, whether it answers, unique key prefixes,
// and deleting a prefix's keys afterwards. Only keys under the test's own prefixes are ever touched.
import { createClient } from 'redis';

/** The Redis the shared suite runs on (never stopped or flushed by tests). */
export const TEST_REDIS_URL = process.env.TIDINGS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let counter = 0;
/** A key prefix no other test (nor another run) uses. */
export function uniquePrefix(name: string): string {
  counter++;
  return `tidings-test:${name}:${process.pid}:${Date.now().toString(36)}:${counter}:`;
}

/**
 * Why tests on the machine's Redis are skipped: it does not answer, outside CI. Undefined when they run
 * (with CI=true they always run, and fail when Redis is unreachable).
 */
export async function skipWithoutRedis(): Promise<string | undefined> {
  const reason = await unreachableReason(TEST_REDIS_URL);
  return reason !== null && process.env.CI !== 'true' ? reason : undefined;
}

/** Null when Redis answers PING at `url`, else why not (without the URL's password). */
export async function unreachableReason(url: string): Promise<string | null> {
  const client = createClient({ url, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    const { code, name } = error as { code?: string; name?: string };
    return `Redis does not answer at ${new URL(url).host} (${code ?? name ?? 'error'}); set TIDINGS_TEST_REDIS_URL`;
  } finally {
    client.destroy();
  }
}

/** Deletes every key under `prefix` (SCAN, never KEYS or FLUSH). */
export async function deletePrefix(url: string, prefix: string): Promise<void> {
  const client = createClient({ url, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 1000 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    client.destroy();
  }
}
