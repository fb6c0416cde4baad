// Listens on loopback and returns what the tests and main.ts drive: the URL, a way to cut every stream
// (what a restarting proxy does) and close(). Plumbing, not SSE: each server.ts keeps its channel, its
// route and its timer in view, and hands its node server here.
import type { Server as HttpServer } from 'node:http';
import type { Server } from 'node:net';

/** Examples listen on loopback only: they are demos, not services to expose on a network. */
export const HOST = '127.0.0.1';

/** Listens and resolves with the bound port (port 0 picks a free one), or rejects with the listen error. */
export function listen(server: Server, port: number, host: string = HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('the server has no TCP address'));
      else resolve(address.port);
    });
  });
}

/** A listening example. */
export interface RunningExample {
  readonly port: number;
  /** The page to open, e.g. http://127.0.0.1:3105/ */
  readonly url: string;
  /** Cuts every connection while the server keeps running; the pages reconnect with Last-Event-ID. */
  cutStreams(): void;
  /** Runs `onClose` (stop the timers), stops listening, ends every stream and resolves once closed. */
  close(): Promise<void>;
}

/** Listens on HOST:`port` and returns the example's handle. */
export async function listenOnLoopback(
  server: HttpServer,
  port: number,
  onClose: () => void = () => {},
): Promise<RunningExample> {
  const bound = await listen(server, port);
  return {
    port: bound,
    url: `http://${HOST}:${bound}/`,
    cutStreams: () => server.closeAllConnections(),
    close: () => {
      onClose();
      // Stop accepting first, then end the open streams, which would otherwise keep close() waiting.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
