// The package's public values against a literal list (test-support/export-snapshot.ts says why).
import * as root from '@tidings/sqlite';
import { type ExpectedExports, testExports } from '../../../test-support/export-snapshot.ts';

const EXPECTED: ExpectedExports = {
  '@tidings/sqlite': {
    module: root,
    names: ['DEFAULT_BUSY_TIMEOUT_MS', 'SqliteLog'],
  },
};

testExports(new URL('../package.json', import.meta.url), EXPECTED);
