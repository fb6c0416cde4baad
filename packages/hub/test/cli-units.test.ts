// `tidings hub` takes seconds and 0 for "off" (Mercure's habit); the library takes milliseconds and null.
// The CLI converts, so a flag means what it meant and the library never sees a 0 it would refuse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readHubConfig } from '../src/cli/cli-hub.ts';
import { resolveHubOptions } from '../src/hub-options.ts';

function options(argv: string[]) {
  const config = readHubConfig(['--anonymous', ...argv], {});
  assert.notEqual(config, 'help');
  return config === 'help' ? {} : config.options;
}

test('flags in seconds become milliseconds; 0 becomes null', () => {
  const given = options(['--heartbeat', '20', '--history-ttl', '90', '--history-size', '5', '--history-bytes', '4096']);
  assert.equal(given.heartbeat, 20_000);
  assert.deepEqual(given.history, { size: 5, maxBytes: 4096, maxAge: 90_000 });
  assert.equal(resolveHubOptions({ ...given, log: null }).heartbeat, 20_000);

  const off = options(['--heartbeat', '0', '--history-size', '0']);
  assert.equal(off.heartbeat, null, '--heartbeat 0: no keep-alive comments');
  assert.equal(off.history, null, '--history-size 0: no history');

  const defaults = options([]);
  assert.equal(defaults.heartbeat, 30_000);
  assert.deepEqual(defaults.history, { size: 10_000, maxBytes: 64 * 1024 * 1024, maxAge: null }, '--history-ttl 0');
});
