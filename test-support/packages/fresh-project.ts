// A new npm project outside the repository (in the OS temp folder, so no workspace and no node_modules of
// the repository is in reach), with the packed tarballs installed the way a user installs them: the
// third-party dependencies come from the npm registry.
//
// better-sqlite3's install script (prebuild-install) downloads a prebuilt binary where it can, which is what
// most users get; these machines cannot reach its download host, so it would compile SQLite from source,
// which takes 1.5 to 2.5 minutes here and alone would outlast the test runner's 180 s limit per file. So the
// binary the repository's own install built, for the same better-sqlite3 version and Node ABI, is handed
// to prebuild-install as a local prebuild (its `<package>_local_prebuilds` setting), and it installs that the
// way it installs a downloaded one. The fresh project pins better-sqlite3 to that version (the one the
// repository's lockfile tested): a newer 12.x from the registry would find no prebuild and compile.
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './pack-packages.ts';

/** One `npm install` of every tarball: 10 to 30 s here with the local prebuild (minutes without). */
const INSTALL_TIMEOUT_MS = 300_000;

const run = promisify(execFile);

export interface FreshProject {
  dir: string;
  /** What npm printed (warnings such as EBADENGINE included). */
  log: string;
}

/** The repository's better-sqlite3 binary as a prebuild tarball in `dir`; its version, or null without one. */
async function localPrebuild(dir: string): Promise<string | null> {
  const installed = join(REPO_ROOT, 'node_modules', 'better-sqlite3');
  const abi = `node-v${process.versions.modules}-${process.platform}-${process.arch}`;
  // Where the `bindings` package finds it: a build, or a binary kept per Node ABI (so one node_modules
  // serves several Node versions).
  const binary = [join('build', 'Release'), join('lib', 'binding', abi)]
    .map((folder) => join(installed, folder, 'better_sqlite3.node'))
    .find((path) => existsSync(path));
  if (binary === undefined) return null;
  const { version } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  const stage = join(dir, 'stage');
  mkdirSync(join(stage, 'build', 'Release'), { recursive: true });
  copyFileSync(binary, join(stage, 'build', 'Release', 'better_sqlite3.node'));
  // prebuild-install's file name: {name}-v{version}-{runtime}-v{abi}-{platform}{libc}-{arch}.tar.gz
  const name = `better-sqlite3-v${version}-${abi}.tar.gz`;
  await run('tar', ['-czf', join(dir, name), '-C', stage, join('build', 'Release', 'better_sqlite3.node')]);
  return version;
}

export async function installFreshProject(tarballs: readonly string[]): Promise<FreshProject> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tidings-packed-install-')));
  if (dir.startsWith(REPO_ROOT)) throw new Error(`${dir} is inside the repository`);
  const prebuilds = join(dir, '.prebuilds');
  const sqliteVersion = await localPrebuild(prebuilds);
  const manifest = {
    name: 'packed-install',
    private: true,
    type: 'module',
    // What the sqlite README tells users to write: npm 11 runs better-sqlite3's install script when allowed.
    allowScripts: { 'better-sqlite3': true },
    ...(sqliteVersion !== null && { overrides: { 'better-sqlite3': sqliteVersion } }),
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const args = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=warn', ...tarballs];
  const env = {
    ...process.env,
    npm_config_update_notifier: 'false',
    npm_config_better_sqlite3_local_prebuilds: prebuilds,
    JOBS: 'max', // should it compile after all: node-gyp builds its two C/C++ files side by side
  };
  try {
    const { stdout, stderr } = await run('npm', args, {
      cwd: dir,
      env,
      timeout: INSTALL_TIMEOUT_MS,
      maxBuffer: 64 << 20,
    });
    return { dir, log: `${stdout}${stderr}` };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm install of the tarballs in ${dir} failed:\n${stdout}${stderr}`);
  }
}

/** The installed package's folder; throws when it is a link (a workspace link) or lies outside `project`. */
export function installedPackageDir(project: string, name: string): string {
  const path = join(project, 'node_modules', ...name.split('/'));
  if (lstatSync(path).isSymbolicLink()) throw new Error(`${name} is a link, not an installed copy`);
  const real = realpathSync(path);
  if (!real.startsWith(`${project}${sep}`)) throw new Error(`${name} resolves to ${real}, outside the project`);
  return real;
}
