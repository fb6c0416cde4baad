// Starts one README example in the fresh project, as a user would run it: TypeScript compiled to plain
// JavaScript (as tsc would; no type checking here, the readme-examples test does that), written into the
// project so that `@tidings/*` resolves from its node_modules, then run by the Node under test with the
// example harness preloaded (free ports, made-up hosts served on loopback: example-harness.mjs).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { RunnableBlock } from './runnable-blocks.ts';

const HARNESS = fileURLToPath(new URL('./example-harness.mjs', import.meta.url));

/**
 * Upper bound for anything an example is waited for (its port, an output line, its exit): far above what
 * they take (under a second each), so only a hung example meets it, and it fails with what it printed.
 */
export const EXAMPLE_WAIT_MS = 30_000;

export interface ExampleOptions {
  /** The Node binary. */
  node: string;
  /** The fresh project. */
  project: string;
  /** A name for its files. */
  name: string;
  env?: Record<string, string>;
  /** Made-up origins of the README and the loopback servers that stand in for them. */
  origins?: Record<string, string>;
}

export class RunningExample {
  readonly child: ChildProcess;
  /** The folder it runs in (its own: files it writes, such as events.db, land here). */
  readonly cwd: string;
  stdout = '';
  stderr = '';
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #port: Promise<number>;

  constructor(block: RunnableBlock, options: ExampleOptions) {
    const code = block.typescript
      ? ts.transpileModule(block.code, {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        }).outputText
      : block.code;
    const file = join(options.project, 'examples', `${options.name}.mjs`);
    this.cwd = join(options.project, 'runs', options.name);
    mkdirSync(join(options.project, 'examples'), { recursive: true });
    mkdirSync(this.cwd, { recursive: true });
    writeFileSync(file, code);
    // Not the repository's NODE_OPTIONS: a user's process has no tidings-source condition and no tsx.
    const { NODE_OPTIONS: _repository, ...inherited } = process.env;
    const env = { ...inherited, ...options.env, TIDINGS_EXAMPLE_ORIGINS: JSON.stringify(options.origins ?? {}) };
    this.child = spawn(options.node, ['--import', HARNESS, file], {
      cwd: this.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      this.stdout += text;
    });
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      this.stderr += text;
    });
    this.#exited = once(this.child, 'exit').then(([code, signal]) => ({ code, signal }));
    this.#port = new Promise((resolve, reject) => {
      this.child.on('message', (message: { listening?: number }) => {
        if (typeof message.listening === 'number') resolve(message.listening);
      });
      void this.#exited.then(() => reject(new Error(`it exited without listening\n${this.output()}`)));
    });
    this.#port.catch(() => {}); // an example that never listens is not asked for its port
  }

  /** What it printed, for failure messages. */
  output(): string {
    return `--- stdout\n${this.stdout}--- stderr\n${this.stderr}`;
  }

  /** The port of the first server it started. */
  port(): Promise<number> {
    return this.#within(this.#port, 'a listening server');
  }

  /** Resolves once its stdout matches. */
  async printed(pattern: RegExp): Promise<void> {
    const seen = new Promise<void>((resolve, reject) => {
      const look = () => {
        if (pattern.test(this.stdout)) resolve();
      };
      this.child.stdout!.on('data', look);
      void this.#exited.then(() => {
        look();
        reject(new Error(`it exited before printing ${pattern}\n${this.output()}`));
      });
      look();
    });
    return this.#within(seen, `output matching ${pattern}`);
  }

  /** Its exit code once it ended by itself. */
  async exitCode(): Promise<number | null> {
    return (await this.#within(this.#exited, 'its exit')).code;
  }

  /** Sends `signal` and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.#within(this.#exited, 'its exit after a signal');
  }

  async #within<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no ${what} within ${EXAMPLE_WAIT_MS} ms\n${this.output()}`)),
        EXAMPLE_WAIT_MS,
      );
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
