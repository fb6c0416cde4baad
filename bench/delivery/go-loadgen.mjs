// The Go load generator (loadgen/), built with the machine's `go` into a cache folder outside the
// repository ($TIDINGS_BENCH_CACHE, default ~/.cache/tidings-bench/) when the binary is missing or older
// than its sources. Standard library only, GOPROXY=off: the build never downloads anything. Without `go`,
// and as root, it installs Debian's golang-go with apt-get; otherwise it says how to.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const SOURCE = join(import.meta.dirname, 'loadgen');
const CACHE = process.env.TIDINGS_BENCH_CACHE ?? join(homedir(), '.cache', 'tidings-bench');
const BINARY = join(CACHE, 'loadgen');

const hasGo = () => spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;

/** Tries apt-get as root (its output to stderr, apart from the bench's tables); true when `go` works after. */
function installGo() {
  if (process.getuid?.() !== 0 || spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status !== 0) {
    return false;
  }
  console.error('go is missing: apt-get install -y golang-go');
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-qq', 'golang-go'], {
      stdio: ['ignore', 2, 2],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 2, 2] });
    install();
  }
  return hasGo();
}

/** The newest modification time among the generator's sources, ms. */
const sourcesTime = () =>
  Math.max(
    ...readdirSync(SOURCE)
      .filter((file) => file.endsWith('.go') || file === 'go.mod')
      .map((file) => statSync(join(SOURCE, file)).mtimeMs),
  );

/** Resolves { binary } (built if need be), or { missing: a message saying why there is none and how to fix it }. */
export function ensureLoadgen() {
  if (existsSync(BINARY) && statSync(BINARY).mtimeMs >= sourcesTime()) return { binary: BINARY };
  if (!hasGo() && !installGo()) {
    return {
      missing:
        'the load generator needs Go (1.19 or later, standard library only): apt-get install -y golang-go ' +
        `(as root), then run again; it is built into ${CACHE}`,
    };
  }
  mkdirSync(CACHE, { recursive: true });
  const build = spawnSync('go', ['build', '-trimpath', '-o', BINARY, '.'], {
    cwd: SOURCE,
    encoding: 'utf8',
    env: { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
  });
  if (build.status !== 0) return { missing: `go build failed in ${SOURCE}:\n${build.stderr}` };
  return { binary: BINARY };
}
