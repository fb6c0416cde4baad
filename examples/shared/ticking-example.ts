// The handle every example's start function returns, built around its listening server: a timer that
// publishes every `intervalMs` (`publishEvery`), the `tick()` and `cutStreams()` the tests drive, and a
// close() that stops the timers, ends every stream and closes the server.
import type { Server } from 'node:http';
import { HOST } from './listen.ts';
import type { RunningExample } from './run-main.ts';

/** A running example that publishes on a timer. `Ids` is what one update resolves: one id, or several. */
export interface TickingExample<Ids> extends RunningExample {
  readonly port: number;
  /**
   * Publishes one update now (what the timer does every interval); resolves the id(s) it published, once
   * the channel has stored them (with the default memory log they have reached every page by then).
   */
  tick(): Promise<Ids>;
  /** Cuts every connection while the server keeps running (what a restarting proxy does). */
  cutStreams(): void;
}

export interface TickingExampleOptions<Ids> {
  /** The node:http server, already listening. */
  readonly server: Server;
  readonly port: number;
  /** Milliseconds between two calls of `tick`; null: only when called. */
  readonly intervalMs: number | null;
  /** Publishes one update and resolves its id(s). */
  readonly tick: () => Promise<Ids>;
  /** Stops listening; default `server.close()`. (A framework that owns the server closes it itself.) */
  readonly close?: () => Promise<void>;
  /** Further clean-up on close, such as a second timer. */
  readonly onClose?: () => void;
}

/**
 * Calls `tick` every `intervalMs` (null: never) and returns the timer to clear. A tick that fails (the
 * channel refused the event) is logged and the next one tried: a rejection left unhandled would end the
 * process (Node's default), and one failed update is no reason to stop the example.
 */
export function publishEvery(intervalMs: number | null, tick: () => Promise<unknown>): NodeJS.Timeout | undefined {
  if (intervalMs === null) return undefined;
  const publish = async () => {
    try {
      await tick();
    } catch (error) {
      console.error('an update could not be published:', error);
    }
  };
  return setInterval(() => void publish(), intervalMs);
}

/** Starts the timer and returns the example's handle. */
export function tickingExample<Ids>(options: TickingExampleOptions<Ids>): TickingExample<Ids> {
  const { server, port, intervalMs, tick } = options;
  const timer = publishEvery(intervalMs, tick);
  const stopListening = options.close ?? (() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    port,
    url: `http://${HOST}:${port}/`,
    tick,
    cutStreams: () => server.closeAllConnections(),
    close: async () => {
      clearInterval(timer);
      options.onClose?.();
      // Stop accepting first, then end the open streams, which would otherwise keep close() waiting.
      const closed = stopListening();
      server.closeAllConnections();
      await closed;
    },
  };
}
