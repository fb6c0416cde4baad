// Serves one event stream body (as given, or in the given chunks, written one by one), lets a fresh
// EventSource read it to the end, and returns what it dispatched. `reconnect: null` makes the end of
// the stream final, so the test knows when everything has been dispatched.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { EventSource } from '../../src/index.ts';
import { type Logged, logEvents } from './event-log.ts';
import { startServer } from './test-server.ts';
import { waitFor } from './wait.ts';

export interface StreamOnceOptions {
  namedTypes?: string[];
  headers?: Record<string, string>;
}

export async function streamOnce(
  body: string | Buffer | (string | Buffer)[],
  options: StreamOnceOptions = {},
): Promise<Logged> {
  const chunks = Array.isArray(body) ? body : [body];
  const server = await startServer(async (_req, res) => {
    res.writeHead(200, options.headers ?? { 'content-type': 'text/event-stream' });
    for (const chunk of chunks) {
      res.write(chunk);
      await nextTurn();
    }
    res.end();
  });
  const source = new EventSource(server.url('/stream'), { reconnect: null });
  try {
    const logged = logEvents(source, options.namedTypes);
    await waitFor(() => source.readyState === EventSource.CLOSED, 'the stream to end');
    return logged;
  } finally {
    source.close();
    await server.close();
  }
}

/** The data of the dispatched message events. */
export function data(logged: Logged): string[] {
  return logged.messages.map((event) => event.data);
}

/** The log without the open and error entries: the message events as '<type>:<data>'. */
export function events(logged: Logged): string[] {
  return logged.log.filter((entry) => !entry.startsWith('open:') && !entry.startsWith('error:'));
}
