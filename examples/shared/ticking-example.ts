// The handle every example's start function returns, built around its listening server: a timer that
// publishes every `intervalMs`, the `tick()` and `cutStreams()` the tests drive, and a close() that stops
// the timers, ends every stream and closes the server.
import type { Server } from 'node:http';
import { HOST } from './listen.ts';
import type { RunningExample } from './run-main.ts';

/** A running example that publishes on a timer. `Ids` is what one update returns: one id, or several. */
export interface TickingExample<Ids> extends RunningExample {
  readonly port: number;
  /** Publishes one update now (what the timer does every interval); returns the id(s) it published. */
  tick(): Ids;
  /** Cuts every connection while the server keeps running (what a restarting proxy does). */
  cutStreams(): void;
}

export interface TickingExampleOptions<Ids> {
  /** The node:http server, already listening. */
  readonly server: Server;
  readonly port: number;
  /** Milliseconds between two calls of `tick`; null: only when called. */
  readonly intervalMs: number | null;
  /** Publishes one update and returns its id(s). */
  readonly tick: () => Ids;
  /** Stops listening; default `server.close()`. (A framework that owns the server closes it itself.) */
  readonly close?: () => Promise<void>;
  /** Further clean-up on close, such as a second timer. */
  readonly onClose?: () => void;
}

/** Starts the timer and returns the example's handle. */
export function tickingExample<Ids>(options: TickingExampleOptions<Ids>): TickingExample<Ids> {
  const { server, port, intervalMs, tick } = options;
  const timer = intervalMs === null ? undefined : setInterval(tick, intervalMs);
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
