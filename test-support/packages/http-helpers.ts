// The test's side of the examples' HTTP: reading an event stream an example serves, and loopback servers
// that stand in for the README's made-up hosts (https://api.example.com and the like).
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { EXAMPLE_WAIT_MS } from './run-example.ts';

export interface StreamRead {
  response: Response;
  /** Everything read until `until` held. */
  text: string;
}

/**
 * Opens `url` and reads its body until `until(text)` holds, then closes the connection. `opened` runs once
 * the response head is in (the subscription exists), before the body is read.
 */
export async function readStream(
  url: string,
  init: RequestInit,
  until: (text: string) => boolean,
  opened?: (response: Response) => Promise<unknown>,
): Promise<StreamRead> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), EXAMPLE_WAIT_MS);
  let text = '';
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    await opened?.(response);
    const decoder = new TextDecoder();
    const reader = response.body!.getReader();
    while (!until(text)) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    if (!until(text)) throw new Error(`the stream ended before the expected text; it sent:\n${text}`);
    return { response, text };
  } catch (error) {
    if (controller.signal.aborted) throw new Error(`no expected text within ${EXAMPLE_WAIT_MS} ms; got:\n${text}`);
    throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface LoopbackServer {
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 that records each request (with its body) and answers with `handler`. */
export async function loopbackServer(
  handler: (request: RecordedRequest, res: ServerResponse) => void,
): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
    requests.push(request);
    handler(request, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
