// The packages as a user gets them: `npm pack` of each, installed into a fresh project outside the
// repository (no workspace links), and then used there: every export loads by name, the README examples
// marked `<!-- readme-check: run (name) -->` run and do what they say, and the hub's quick start works.
// Also publint and attw on every tarball. See README.md in this folder.
//
// TIDINGS_TEST_MIN_NODE=/path/to/node runs everything that runs in the project a second time on that Node,
// which must be the lowest one `engines.node` allows (the test checks that it is).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type FreshProject, installedPackageDir, installFreshProject } from './fresh-project.ts';
import { checkHubQuickStart } from './hub-quick-start.ts';
import { exportSpecifiers, loadExports } from './installed-exports.ts';
import { buildPackages, PACKAGE_DIRS, type PackedPackage, packPackages, REPO_ROOT } from './pack-packages.ts';
import { attw, publint } from './package-linters.ts';
import { EXAMPLE_CHECKS } from './readme-example-checks.ts';
import { RunningExample } from './run-example.ts';
import { runnableBlocks } from './runnable-blocks.ts';

/** Build, pack and install; the install's native build is most of it (see fresh-project.ts). */
const SETUP_TIMEOUT_MS = 540_000;

const MIN_NODE = process.env.TIDINGS_TEST_MIN_NODE;
const nodes = [
  { label: `node ${process.version}`, path: process.execPath },
  ...(MIN_NODE
    ? [
        {
          label: `node ${execFileSync(MIN_NODE, ['--version'], { encoding: 'utf8' }).trim()} (the minimum)`,
          path: MIN_NODE,
        },
      ]
    : []),
];

const readmes = PACKAGE_DIRS.map((dir) => `packages/${dir}/README.md`);
const manifest = (dir: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'packages', dir, 'package.json'), 'utf8'));

let packDir = '';
let packed: PackedPackage[] = [];
let project: FreshProject | undefined;

before(
  async () => {
    await buildPackages();
    packDir = mkdtempSync(join(tmpdir(), 'tidings-packs-'));
    packed = await packPackages(packDir);
    project = await installFreshProject(packed.map(({ tarball }) => tarball));
  },
  { timeout: SETUP_TIMEOUT_MS },
);

after(() => {
  if (packDir !== '') rmSync(packDir, { recursive: true, force: true });
  if (project !== undefined) rmSync(project.dir, { recursive: true, force: true });
});

const projectDir = () => {
  assert.ok(project, 'the fresh project was installed');
  return project.dir;
};

/** Every file path an `exports` / `bin` entry names, conditions included. */
function targets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(targets);
  return [];
}

/** Files under `dir`, relative to `base`, with "/" separators. */
function filesUnder(dir: string, base: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path, base) : [relative(base, path).split('\\').join('/')];
  });
}

describe('the tarballs', () => {
  for (const dir of PACKAGE_DIRS) {
    const { name } = manifest(dir);
    const pack = () => {
      const found = packed.find((p) => p.name === name);
      assert.ok(found, `${name} was packed`);
      return found;
    };

    test(`${name}: LICENSE, CHANGELOG.md, README.md and what exports and bin name; no tests, no build info`, () => {
      const { files } = pack();
      for (const file of ['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json'])
        assert.ok(files.includes(file), file);
      const json = manifest(dir);
      for (const target of [...targets(json.exports), ...targets(json.bin)]) {
        assert.ok(files.includes(target.replace(/^\.\//, '')), `${target} (named in package.json) is in the tarball`);
      }
      const unwanted = files.filter((file) => /\.test\.|(^|\/)test\/|tsbuildinfo|(^|\/)\.tmp\//.test(file));
      assert.deepEqual(unwanted, [], 'no tests and no tsc build info');
      // Source maps point into src/, so the sources they name must come along.
      for (const map of files.filter((file) => file.endsWith('.js.map'))) {
        const { sources } = JSON.parse(readFileSync(join(REPO_ROOT, 'packages', dir, map), 'utf8'));
        for (const source of sources as string[]) {
          const shipped = join(dirname(map), source).split('\\').join('/');
          assert.ok(
            files.includes(shipped),
            `${map} is for ${shipped}, which the tarball lacks: stale build output of a moved or deleted source ` +
              '(npm pack ships whatever dist holds; `npx tsc -b --clean && npm run build` starts dist afresh)',
          );
        }
      }
    });

    test(`${name}: dependencies on @tidings/* name the exact version of that package, engines as every package`, () => {
      const json = manifest(dir);
      for (const [dependency, range] of Object.entries({ ...json.dependencies, ...json.peerDependencies })) {
        if (!dependency.startsWith('@tidings/')) continue;
        const other = PACKAGE_DIRS.find((d) => manifest(d).name === dependency);
        assert.ok(other, `${dependency} is a package of this repository`);
        assert.equal(range, manifest(other).version, `${name} depends on ${dependency} ${manifest(other).version}`);
      }
      assert.equal(json.engines?.node, manifest('protocol').engines.node);
      assert.match(json.engines.node, /^>=\d+\.\d+\.\d+$/, 'engines.node is a lowest version');
    });

    test(`${name}: publint --strict`, async () => {
      await publint(pack().tarball);
    });

    test(`${name}: attw (esm-only profile)`, async () => {
      await attw(pack().tarball);
    });
  }

  test('@tidings/hub ships every file of static/ (the dashboard pages)', () => {
    const files = packed.find((p) => p.name === '@tidings/hub')?.files ?? [];
    const hubDir = join(REPO_ROOT, 'packages', 'hub');
    const missing = filesUnder(join(hubDir, 'static'), hubDir).filter((file) => !files.includes(file));
    assert.deepEqual(missing, []);
  });

  test('MIN_NODE, when given, is the lowest version engines.node allows', (t) => {
    const lowest = manifest('protocol').engines.node.slice(2);
    if (MIN_NODE === undefined) {
      t.diagnostic(`TIDINGS_TEST_MIN_NODE is not set: only ${process.version} ran the examples (engines: >=${lowest})`);
      const [major, minor, patch] = process.version.slice(1).split('.').map(Number) as [number, number, number];
      const [lowMajor, lowMinor, lowPatch] = lowest.split('.').map(Number) as [number, number, number];
      const newer = major - lowMajor || minor - lowMinor || patch - lowPatch;
      assert.ok(newer >= 0, `${process.version} is allowed by engines >=${lowest}`);
      return;
    }
    assert.equal(execFileSync(MIN_NODE, ['--version'], { encoding: 'utf8' }).trim(), `v${lowest}`);
  });
});

test('the fresh project holds copies of the packages, not links into the repository', () => {
  for (const dir of PACKAGE_DIRS) {
    const installed = installedPackageDir(projectDir(), manifest(dir).name);
    assert.ok(existsSync(join(installed, 'dist', 'index.js')));
  }
  assert.doesNotMatch(project!.log, /EBADENGINE/, 'no dependency refuses the Node that installed it');
});

test('no installed dependency excludes the lowest Node that engines.node allows', () => {
  // semver: a dependency of @arethetypeswrong/cli, a root devDependency.
  const semver = createRequire(join(REPO_ROOT, 'package.json'))('semver');
  const lowest = manifest('protocol').engines.node.slice(2);
  const lock = JSON.parse(readFileSync(join(projectDir(), 'package-lock.json'), 'utf8'));
  const refusing = Object.entries(lock.packages as Record<string, { engines?: { node?: string } }>)
    .filter(([path, { engines }]) => path !== '' && engines?.node && !semver.satisfies(lowest, engines.node))
    .map(([path, { engines }]) => `${path} (engines.node ${engines?.node})`);
  assert.deepEqual(refusing, [], `dependencies that refuse Node ${lowest}`);
});

test('every README runnable example has a check, and every check an example', () => {
  const marked = readmes.flatMap((readme) =>
    [...runnableBlocks(readFileSync(join(REPO_ROOT, readme), 'utf8')).keys()].map((name) => `${readme} ${name}`),
  );
  const checked = Object.entries(EXAMPLE_CHECKS).map(([name, { readme }]) => `${readme} ${name}`);
  assert.deepEqual(marked.sort(), checked.sort());
});

for (const node of nodes) {
  describe(`in the fresh project, on ${node.label}`, () => {
    test('every export of every package loads by name, from the project', async () => {
      const specifiers = PACKAGE_DIRS.flatMap((dir) => exportSpecifiers(join(REPO_ROOT, 'packages', dir)));
      const loaded = await loadExports(node.path, projectDir(), specifiers);
      for (const specifier of specifiers) {
        const { url, names } = loaded[specifier] ?? { url: '', names: [] };
        assert.ok(url.startsWith(`file://${projectDir()}/node_modules/`), `${specifier} resolves to ${url}`);
        assert.ok(names.length > 0, `${specifier} exports something`);
      }
      assert.ok(loaded['@tidings/client/browser-bundle']?.names.includes('EventSource'));
    });

    for (const readme of readmes) {
      for (const [name, block] of runnableBlocks(readFileSync(join(REPO_ROOT, readme), 'utf8'))) {
        test(`${readme}:${block.line} (${name})`, async () => {
          const entry = EXAMPLE_CHECKS[name];
          assert.ok(entry, `${name} has a check in readme-example-checks.ts`);
          let runs = 0;
          await entry.check({
            start: (options) =>
              new RunningExample(block, {
                node: node.path,
                project: projectDir(),
                name: `${name}-${process.pid}-${nodes.indexOf(node)}-${runs++}`,
                ...options,
              }),
          });
        });
      }
    }

    test('the hub quick start: tidings --help, token, hub with dashboard on SQLite, publish, subscribe', async () => {
      await checkHubQuickStart(node.path, projectDir());
    });
  });
}

test('npx tidings --help in the fresh project', () => {
  const help = execFileSync('npx', ['--no-install', 'tidings', '--help'], { cwd: projectDir(), encoding: 'utf8' });
  assert.match(help, /tidings hub/);
});
