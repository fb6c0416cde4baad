// Where the Deno and Bun binaries are and how each is started on a check script. Both come from the
// npm registry as root devDependencies (`deno`, `bun`), whose platform packages carry the binaries.
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export type RuntimeName = 'deno' | 'bun';

export interface RuntimeCommand {
  name: RuntimeName;
  binary: string;
  /** Arguments that run `script` with `scriptArgs` (Deno's permissions included). */
  args(script: string, scriptArgs: string[]): string[];
}

/** The binary npm linked into node_modules/.bin, or the one named by TIDINGS_DENO / TIDINGS_BUN. */
function binaryPath(name: RuntimeName): string {
  const override = process.env[`TIDINGS_${name.toUpperCase()}`];
  const path = override ?? join(REPO_ROOT, 'node_modules', '.bin', name);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    // Fail, never skip: the whole point of these tests is that the runtime really ran.
    throw new Error(
      `${name} binary not found or not executable at ${path}. It is a root devDependency: run \`npm install\` ` +
        `at the repository root (its install script must be allowed, see allowScripts in package.json), or set ` +
        `TIDINGS_${name.toUpperCase()} to a ${name} binary.`,
    );
  }
  return path;
}

/** The command for one runtime; throws an Error saying how to install it when the binary is missing. */
export function runtimeCommand(name: RuntimeName): RuntimeCommand {
  const binary = binaryPath(name);
  if (name === 'deno') {
    return {
      name,
      binary,
      // Only what the scripts need: connections to the local server, and reading the repository
      // (the scripts, packages/*/dist and the node_modules link that resolves @tidings/protocol).
      args: (script, scriptArgs) => [
        'run',
        '--no-prompt',
        '--allow-net=127.0.0.1',
        `--allow-read=${REPO_ROOT}`,
        script,
        ...scriptArgs,
      ],
    };
  }
  // --no-install: never fetch a missing import from the registry at run time.
  return { name, binary, args: (script, scriptArgs) => ['--no-install', script, ...scriptArgs] };
}
