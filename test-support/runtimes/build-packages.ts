// The Deno and Bun scripts import the BUILT packages (packages/{protocol,client}/dist), as a user of the
// published packages would. `tsc -b` brings dist up to date with src (and does nothing when it already is),
// so the runtimes never test a stale build.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './runtime-commands.ts';

const BUILD_TIMEOUT_MS = 120_000;

/** Builds @tidings/protocol and @tidings/client; rejects with tsc's output when the build fails. */
export function buildPackages(): Promise<void> {
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [tsc, '-b', 'packages/protocol', 'packages/client'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: REPO_ROOT, timeout: BUILD_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (!error) return resolve();
      reject(
        new Error(
          `\`npx tsc -b packages/protocol packages/client\` failed, so the built packages the Deno and Bun ` +
            `scripts import are missing or stale:\n${stdout}${stderr}`,
        ),
      );
    });
  });
}
