#!/usr/bin/env node
// The `tidings` command. This file is committed (not built) so that npm can link it into
// node_modules/.bin during `npm install`, which links bins before its `prepare` step builds dist/.
import('../dist/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('tidings: the hub is not built yet; run "npm run build" at the repository root\n');
    process.exit(1);
  }
  throw error;
});
