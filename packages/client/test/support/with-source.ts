// The frame of most tests: an EventSource on a test server, closed together with the server whether
// the test passes or fails, so a failing test leaves no connection or reconnection timer behind.
import { EventSource, type EventSourceOptions } from '../../src/index.ts';
import type { TestServer } from './test-server.ts';

/** Opens an EventSource on `server`, runs `check`, then closes the source and the server, pass or fail. */
export async function withSource(
  server: TestServer,
  options: EventSourceOptions | undefined,
  check: (source: EventSource) => Promise<void>,
): Promise<void> {
  const source = new EventSource(server.url(), options);
  try {
    await check(source);
  } finally {
    source.close();
    await server.close();
  }
}
