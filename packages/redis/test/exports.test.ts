// The package's public values against a literal list (test-support/export-snapshot.ts says why).
import * as root from '@tidings/redis';
import { type ExpectedExports, testExports } from '../../../test-support/export-snapshot.ts';

const EXPECTED: ExpectedExports = {
  '@tidings/redis': {
    module: root,
    names: [
      'DEFAULT_COMMAND_TIMEOUT_MS',
      'DEFAULT_CONNECT_TIMEOUT_MS',
      'DEFAULT_PREFIX',
      'MAX_PREFIX_LENGTH',
      'RECENT_ENTRIES_MAX_BYTES',
      'RECENT_ENTRIES_MAX_COUNT',
      'RedisLog',
    ],
  },
};

testExports(new URL('../package.json', import.meta.url), EXPECTED);
