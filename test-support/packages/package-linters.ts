// The two package linters on a packed tarball: publint (package.json fields, exports, files) and
// @arethetypeswrong/cli (do TypeScript users resolve the same files as Node, with types).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './pack-packages.ts';

const run = promisify(execFile);

/** Each linter takes about 1 s per package; more means it hangs. */
const LINT_TIMEOUT_MS = 60_000;

/**
 * attw's `esm-only` profile: the packages are ESM only (`"type": "module"`, no `require` condition), so the
 * two CommonJS views are expected to fail and are not counted: `node16` from CJS (require() of ESM,
 * which the Node versions the packages claim cannot do) and `node10` (TypeScript's old resolution, which
 * ignores `exports`). `node16` from ESM and `bundler` must be clean. The `node16` profile would still count
 * the CommonJS view and fail every package for being what it is meant to be.
 */
export const ATTW_PROFILE = 'esm-only';

/** Runs a linter; resolves its output, rejects with it when it exits non-zero. */
async function lint(what: string, args: string[]): Promise<string> {
  const bin = join(REPO_ROOT, 'node_modules', '.bin', what);
  try {
    const { stdout, stderr } = await run(bin, args, {
      cwd: REPO_ROOT,
      timeout: LINT_TIMEOUT_MS,
      env: { ...process.env, NO_COLOR: '1' },
    });
    return `${stdout}${stderr}`;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${what} ${args.join(' ')} found problems:\n${stdout}${stderr}`);
  }
}

/** publint with --strict: warnings fail too, suggestions are printed only. */
export function publint(tarball: string): Promise<string> {
  return lint('publint', ['run', tarball, '--strict']);
}

/** attw on the tarball, offline (no @types lookups on the registry). */
export function attw(tarball: string): Promise<string> {
  return lint('attw', [
    tarball,
    '--profile',
    ATTW_PROFILE,
    '--no-definitely-typed',
    '--no-emoji',
    '--no-color',
    '--format',
    'ascii',
  ]);
}
