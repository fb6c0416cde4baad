import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryLog } from '@tidings/server';
import { eventFields, eventLogSuite } from '../../../test-support/event-log-suite.ts';

eventLogSuite('memory', { create: async (limits) => new MemoryLog(limits) });

test('memory log: size and bytes follow appends and trims; bad limits are a TypeError', async () => {
  const log = new MemoryLog({ maxCount: 2 });
  for (let i = 0; i < 5; i++) await log.append(eventFields());
  assert.equal(log.size, 2);
  assert.ok(log.bytes > 0);
  assert.throws(() => new MemoryLog({ maxCount: -1 }), /limits.maxCount must be a whole number of entries >= 0/);
  assert.throws(() => new MemoryLog({ maxBytes: 0 }), /limits.maxBytes must be a whole number of bytes >= 1/);
  assert.throws(
    () => new MemoryLog({ maxAge: 1.5 }),
    /limits.maxAge must be a whole number of milliseconds >= 1 .or null for no age limit./,
  );
  assert.throws(() => new MemoryLog(5 as never), /limits must be an object/);
});
