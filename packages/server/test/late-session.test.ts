// A session opened after the client already left: a handler that awaits something first (a token check, a
// history read) can find the request gone by the time it calls createSession. The response's 'close' has
// fired then, so a session that only listened for it would stay open forever (the hub's fuzzer found its
// subscribers piling up this way).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { it } from 'node:test';
import type { Session } from '@tidings/server';
import { createSession } from '@tidings/server/node';

it('a session created on a response whose client already left is closed at once', async () => {
  let opened: Session | undefined;
  const created = new Promise<void>((resolve) => {
    const server = createServer(async (req, res: ServerResponse) => {
      await once(res, 'close'); // the client is gone before the session is made
      opened = createSession(req, res) ?? undefined;
      server.close();
      resolve();
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('GET /events HTTP/1.1\r\nHost: a\r\nAccept: text/event-stream\r\n\r\n');
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on('error', () => {});
    });
  });
  await created;
  const session = opened as Session;
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(session.signal.aborted, true, 'the session ended');
  let closedLater = false;
  session.onClose(() => {
    closedLater = true;
  });
  assert.equal(closedLater, true, 'onClose on an ended session runs at once');
});
