// Builds the packages and packs each into an npm tarball, exactly as `npm publish` would send it.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every published package, in dependency order. */
export const PACKAGE_DIRS = ['protocol', 'server', 'client', 'sqlite', 'redis', 'hub'] as const;

/** `tsc -b` of every package from scratch takes about 30 s on this shared machine; a stale one less. */
const BUILD_TIMEOUT_MS = 180_000;
/** `npm pack` of the six packages together takes about 2 s. */
const PACK_TIMEOUT_MS = 60_000;

const run = promisify(execFile);

export interface PackedPackage {
  /** The package name, `@tidings/server`. */
  name: string;
  /** Its folder in the repository. */
  dir: string;
  tarball: string;
  /** Paths inside the tarball, relative to the package root. */
  files: string[];
}

async function step(what: string, file: string, args: string[], timeout: number): Promise<void> {
  try {
    await run(file, args, { cwd: REPO_ROOT, timeout, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${what} failed, so there is nothing up to date to pack:\n${stdout}${stderr}`);
  }
}

/** The newest modification time of the .js files under `dir` (not in `skip`), 0 when there are none. */
function newestJs(dir: string, skip?: string): number {
  if (!existsSync(dir)) return 0;
  return Math.max(
    0,
    ...readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.js') && (skip === undefined || !name.startsWith(skip)))
      .map((name) => statSync(join(dir, name)).mtimeMs),
  );
}

/**
 * `npm run build` without the root prepare: `tsc -b` (nothing to do when dist is up to date) and the
 * client's browser bundle (its build:extra script), which tsc does not write. The bundle is rebuilt only
 * when it is older than the code it bundles: other tests (the browser ones) may be reading it right now.
 */
export async function buildPackages(): Promise<void> {
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await step('`npx tsc -b`', process.execPath, [tsc, '-b'], BUILD_TIMEOUT_MS);
  const client = join(REPO_ROOT, 'packages', 'client');
  const bundle = join(client, 'dist', 'browser', 'tidings-client.min.js');
  const bundled = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  const code = Math.max(
    newestJs(join(client, 'dist'), 'browser'),
    newestJs(join(REPO_ROOT, 'packages', 'protocol', 'dist')),
  );
  if (bundled > code) return;
  const script = join(client, 'scripts', 'build-browser-bundle.ts');
  await step(
    '`npm run build:extra -w @tidings/client`',
    process.execPath,
    ['--import', 'tsx', script],
    BUILD_TIMEOUT_MS,
  );
}

/** `npm pack` of every package into `destination`. */
export async function packPackages(destination: string): Promise<PackedPackage[]> {
  const workspaces = PACKAGE_DIRS.flatMap((dir) => ['-w', `packages/${dir}`]);
  const args = ['pack', ...workspaces, '--pack-destination', destination, '--json'];
  let stdout: string;
  try {
    ({ stdout } = await run('npm', args, { cwd: REPO_ROOT, timeout: PACK_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }));
  } catch (error) {
    throw new Error(`npm ${args.join(' ')} failed:\n${(error as { stderr?: string }).stderr ?? error}`);
  }
  const packed = JSON.parse(stdout) as { name: string; filename: string; files: { path: string }[] }[];
  return PACKAGE_DIRS.map((dir) => {
    const { name } = JSON.parse(readFileSync(join(REPO_ROOT, 'packages', dir, 'package.json'), 'utf8'));
    const entry = packed.find((p) => p.name === name);
    if (entry === undefined) throw new Error(`npm pack made no tarball for ${name}`);
    return {
      name,
      dir: join(REPO_ROOT, 'packages', dir),
      tarball: join(destination, entry.filename),
      files: entry.files.map((f) => f.path),
    };
  });
}
