// One node of the cluster: a `tidings hub` child process run from the hub's TypeScript sources, which the
// example can stop for real (SIGTERM: the hub ends its streams and exits; SIGKILL: it dies on the spot, as a
// crashed machine would) and start again on the same port.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The nodes, as the page, the control endpoints and the event data name them. */
export const NODE_NAMES = ['a', 'b'] as const;
export type NodeName = (typeof NODE_NAMES)[number];

/** `starting` until the hub logs "listening", `up`, `stopping` once signalled, `down` once it exited. */
export type NodeState = 'starting' | 'up' | 'stopping' | 'down';
/** How a node is stopped: SIGTERM is a graceful shutdown, SIGKILL a crash. */
export type StopSignal = 'SIGTERM' | 'SIGKILL';

/** Milliseconds a hub may take to log "listening" (tsx compiles the hub's sources on a first start). */
export const START_TIMEOUT_MS = 30_000;
/** Milliseconds a hub may take to exit after SIGTERM before it gets SIGKILL (the hub itself gives up after 5 s). */
export const STOP_TIMEOUT_MS = 8_000;
/** Characters of a hub's output kept to explain a failed start. */
const OUTPUT_TAIL_CHARS = 4_000;

/** What the page and the tests see of a node. */
export interface NodeStatus {
  readonly name: NodeName;
  readonly state: NodeState;
  /** Base URL of the hub (`http://127.0.0.1:PORT`), known from its first start on (also while it is down). */
  readonly url: string | null;
  /** Process id of the running hub, null when down. */
  readonly pid: number | null;
}

export interface HubNodeOptions {
  readonly name: NodeName;
  /** Flags after `tidings hub --port N`. */
  readonly flags: readonly string[];
  /** Variables added to this process's environment for the hub (secrets go here: `ps` shows the flags). */
  readonly env: Readonly<Record<string, string>>;
  /** Called after every change of state. */
  readonly onChange: () => void;
  /** Where lines about the node go (started, exited, the hub's warnings and errors). */
  readonly log: (line: string) => void;
}

const WATCHDOG = join(import.meta.dirname, 'hub-watchdog.ts');

/**
 * `node --conditions=tidings-source --import tsx … packages/hub/src/cli.ts hub`, the way the hub's own tests
 * start it: no build needed. The CLI is found through the package name (its `tidings-source` export is
 * src/index.ts, next to cli.ts), so this works wherever @tidings/hub is installed from source.
 */
function hubArgs(): string[] {
  const entry = import.meta.resolve('@tidings/hub');
  if (!entry.endsWith('.ts')) {
    throw new Error(
      'the cluster example starts the hub from its TypeScript sources: run it through tsx with ' +
        '--conditions=tidings-source (npm start -w examples/cluster does)',
    );
  }
  const cli = fileURLToPath(new URL('cli.ts', entry));
  return ['--conditions=tidings-source', '--import', 'tsx', '--import', WATCHDOG, cli, 'hub'];
}

export class HubNode {
  readonly name: NodeName;
  readonly #options: HubNodeOptions;
  #state: NodeState = 'down';
  /** 0 until the first start picked a free port; every restart asks for the same one again. */
  #port = 0;
  #url: string | null = null;
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #starting: Promise<void> | null = null;
  #closed = false;

  constructor(options: HubNodeOptions) {
    this.name = options.name;
    this.#options = options;
  }

  get state(): NodeState {
    return this.#state;
  }

  /** The hub's base URL while it is up (null otherwise): where to publish now. */
  get liveUrl(): string | null {
    return this.#state === 'up' ? this.#url : null;
  }

  status(): NodeStatus {
    return { name: this.name, state: this.#state, url: this.#url, pid: this.#child?.pid ?? null };
  }

  /** Starts the hub (on its previous port after a stop) and resolves once it listens; a no-op while up. */
  start(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error(`node ${this.name} is closed`));
    if (this.#state === 'up') return Promise.resolve();
    if (this.#starting !== null) return this.#starting;
    // Stopping: wait for the old process to be gone, so the new one can have its port.
    this.#starting = this.#exited.then(() => this.#spawn()).finally(() => (this.#starting = null));
    return this.#starting;
  }

  /**
   * Stops the hub with `signal` and resolves once the process exited (SIGKILL after STOP_TIMEOUT_MS if a
   * SIGTERM is not enough). A no-op while down. Stopping a hub that is still starting ends that start.
   */
  async stop(signal: StopSignal = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    if (child === null) return;
    this.#setState('stopping');
    child.kill(signal);
    const force = signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.#exited;
    clearTimeout(force);
  }

  /** Stops the hub (SIGTERM) for good: a start that is under way or asked for later spawns nothing. */
  close(): Promise<void> {
    this.#closed = true;
    return this.stop('SIGTERM');
  }

  /** Kills the hub at once, synchronously: for `process.on('exit')`, where nothing asynchronous runs. */
  killNow(): void {
    this.#child?.kill('SIGKILL');
  }

  #setState(state: NodeState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#options.onChange();
  }

  #spawn(): Promise<void> {
    const { name, flags, env, log } = this.#options;
    if (this.#closed) return Promise.reject(new Error(`node ${name} is closed`));
    const child = spawn(process.execPath, [...hubArgs(), '--port', String(this.#port), ...flags], {
      env: { ...process.env, ...env },
      // stdin is the watchdog's pipe (see hub-watchdog.ts): never written, closed when this process ends.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('close', () => resolve()));
    this.#setState('starting');

    let tail = '';
    const remember = (text: string) => {
      tail = `${tail}${text}\n`.slice(-OUTPUT_TAIL_CHARS);
    };
    return new Promise((resolve, reject) => {
      let listening = false;
      const timer = setTimeout(() => {
        reject(new Error(`node ${name} did not start within ${START_TIMEOUT_MS} ms:\n${tail}`));
        void this.stop('SIGKILL');
      }, START_TIMEOUT_MS);

      // The hub logs one JSON object per line; the first `listening` line carries its URL.
      createInterface({ input: child.stdout! }).on('line', (text) => {
        remember(text);
        const line = parseLogLine(text);
        if (line === null) return;
        if (!listening && line.msg === 'listening' && typeof line.url === 'string') {
          listening = true;
          clearTimeout(timer);
          this.#url = line.url;
          this.#port = Number(new URL(line.url).port);
          // A stop that came while the hub was starting wins: it is not marked up again.
          if (this.#state === 'starting') this.#setState('up');
          log(`node ${name}: up on port ${this.#port} (pid ${child.pid})`);
          resolve();
        } else if (line.level === 'warn' || line.level === 'error') {
          log(`node ${name}: ${String(line.level)}: ${String(line.msg)}`);
        }
      });
      createInterface({ input: child.stderr! }).on('line', (text) => {
        remember(text);
        log(`node ${name}: ${text}`);
      });

      child.once('error', (error) => {
        // The process could not be started at all ('close' still follows).
        remember(error.message);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        this.#child = null;
        this.#setState('down');
        const how = signal === null ? `exit code ${code}` : signal;
        log(`node ${name}: exited (${how})`);
        if (!listening) reject(new Error(`node ${name} exited (${how}) before it listened:\n${tail}`));
      });
    });
  }
}

function parseLogLine(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
