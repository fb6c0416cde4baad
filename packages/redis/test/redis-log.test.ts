// The shared event-log suite on a real Redis (TIDINGS_TEST_REDIS_URL, default the machine's Redis on
// 6379), each log under a key prefix of its own that is deleted afterwards. With CI=true an unreachable
// Redis fails the run; elsewhere the suite is skipped with the reason.
import { after, test } from 'node:test';
import { RedisLog } from '@tidings/redis';
import type { EventLog, LogLimits } from '@tidings/server';
import { eventLogSuite } from '../../../test-support/event-log-suite.ts';
import { deletePrefix, skipWithoutRedis, TEST_REDIS_URL, uniquePrefix } from '../../../test-support/redis-test-keys.ts';

const prefixes = new Set<string>();

function open(prefix: string, limits?: LogLimits): Promise<RedisLog> {
  return RedisLog.connect({ url: TEST_REDIS_URL, prefix, ...(limits !== undefined && { limits }) });
}

function asRedis(log: EventLog): RedisLog {
  if (!(log instanceof RedisLog)) throw new TypeError('the factory was given a log it did not make');
  return log;
}

const skip = await skipWithoutRedis();
if (skip !== undefined) {
  test('event log: redis', { skip }, () => {});
} else {
  after(async () => {
    for (const prefix of prefixes) await deletePrefix(TEST_REDIS_URL, prefix);
  });
  eventLogSuite('redis', {
    create(limits) {
      const prefix = uniquePrefix('suite');
      prefixes.add(prefix);
      return open(prefix, limits);
    },
    async reopen(log) {
      const redis = asRedis(log);
      await redis.close();
      return open(redis.prefix, redis.limits);
    },
    peer(log) {
      const redis = asRedis(log);
      return open(redis.prefix, redis.limits);
    },
  });
}
