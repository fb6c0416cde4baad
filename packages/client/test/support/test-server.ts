// A real node:http server on 127.0.0.1 and an ephemeral port, standing in for the Python handlers of
// the web-platform-tests: each test gives a handler; every request is recorded with its body.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Resolves when the client goes away (aborts, or the response ends). */
  closed: Promise<void>;
}

export type Handler = (req: RecordedRequest, res: ServerResponse, index: number) => void;

export interface TestServer {
  /** http://127.0.0.1:port */
  origin: string;
  /** origin + path */
  url(path?: string): string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export const EVENT_STREAM = { 'content-type': 'text/event-stream' };

export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        closed: new Promise((resolve) => res.on('close', () => resolve())),
      };
      const index = requests.push(recorded) - 1;
      try {
        handler(recorded, res, index);
      } catch (error) {
        res.destroy(error as Error);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path = '/') => origin + path,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers 200 text/event-stream with `body` and ends the response. */
export function respond(
  res: ServerResponse,
  body: string | Buffer,
  headers: Record<string, string> = EVENT_STREAM,
): void {
  res.writeHead(200, headers);
  res.end(body);
}
