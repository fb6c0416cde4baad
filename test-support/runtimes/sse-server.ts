// The real node:http SSE server the Deno and Bun scripts talk to (scripts/event-source-checks.mjs).
// Every request carries `?client=<name>`, so several runtimes can share one server and the test can
// look at what each one sent.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How long GET /closed waits for a stream's connection to close before answering false. */
const CLOSE_WAIT_MS = 3_000;

/** What the server saw of one request. */
export interface SeenRequest {
  path: string;
  client: string;
  accept: string | null;
  cacheControl: string | null;
  lastEventId: string | null;
}

export interface RuntimeSseServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Every request, in arrival order. */
  requests: SeenRequest[];
  close(): Promise<void>;
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

function startStream(res: ServerResponse, chunks: string[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  for (const chunk of chunks) res.write(chunk);
}

/** Starts the server on 127.0.0.1, port 0 (an ephemeral port). */
export async function startRuntimeSseServer(): Promise<RuntimeSseServer> {
  const requests: SeenRequest[] = [];
  /** Streams whose connection has closed, and waiters for the others; keyed `${client}/${stream}`. */
  const closed = new Set<string>();
  const closeWaiters = new Map<string, (() => void)[]>();
  const streamCount = new Map<string, number>();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const client = url.searchParams.get('client') ?? '';
    const seen: SeenRequest = {
      path: url.pathname,
      client,
      accept: header(req, 'accept'),
      cacheControl: header(req, 'cache-control'),
      lastEventId: header(req, 'last-event-id'),
    };
    requests.push(seen);
    const key = `${client}${url.pathname}`;
    const count = (streamCount.get(key) ?? 0) + 1;
    streamCount.set(key, count);

    if (url.pathname === '/events' && count === 1) {
      // A short retry keeps the reconnection fast; then the server ends the stream.
      startStream(res, ['retry: 100\n\n', 'id: 1\ndata: hello\n\n', 'event: greeting\nid: 2\ndata: named\n\n']);
      res.end();
    } else if (url.pathname === '/events' && count === 2) {
      // Names the Last-Event-ID it received, so the client's output shows it; stays open for close().
      startStream(res, [`event: final\nid: 3\ndata: resumed after ${seen.lastEventId ?? '(none)'}\n\n`]);
      watchClose('events', res);
    } else if (url.pathname === '/three' && count === 1) {
      startStream(res, ['id: a\ndata: one\n\n', 'event: tick\nid: b\ndata: two\n\n', 'id: c\ndata: three\n\n']);
      watchClose('three', res);
    } else if (url.pathname === '/closed') {
      const stream = `${client}/${url.searchParams.get('stream') ?? ''}`;
      const answer = (value: boolean) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ closed: value }));
      };
      if (closed.has(stream)) return answer(true);
      const timer = setTimeout(() => answer(false), CLOSE_WAIT_MS);
      const waiters = closeWaiters.get(stream) ?? [];
      waiters.push(() => {
        clearTimeout(timer);
        answer(true);
      });
      closeWaiters.set(stream, waiters);
    } else {
      // A third connection to /events, a second to /three, or an unknown path: a bug in the client.
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`unexpected request ${count} to ${url.pathname}\n`);
    }

    function watchClose(stream: string, response: ServerResponse) {
      const streamKey = `${client}/${stream}`;
      response.on('close', () => {
        closed.add(streamKey);
        for (const wake of closeWaiters.get(streamKey) ?? []) wake();
        closeWaiters.delete(streamKey);
      });
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
