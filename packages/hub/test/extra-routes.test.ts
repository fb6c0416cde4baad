// Extra routes mounted with hub.use() on the node:http listener: a streamed response ends for the hub as
// soon as its client leaves, also when the stream would never end on its own (an event stream).
import assert from 'node:assert/strict';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createHub } from '@tidings/hub';

test('a streamed extra route is cancelled when its client disconnects', async () => {
  const hub = createHub({ log: null });
  let cancelled!: () => void;
  const wasCancelled = new Promise<void>((resolve) => (cancelled = resolve));
  hub.use((request) => {
    if (new URL(request.url).pathname !== '/forever') return null;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(': hello\n\n')); // then nothing, ever
      },
      cancel: () => cancelled(),
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  });
  const server = createServer(hub.listener).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const abort = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/forever`, { signal: abort.signal });
    const reader = response.body!.getReader();
    assert.match(new TextDecoder().decode((await reader.read()).value), /hello/);
    abort.abort();
    const timeout = setTimeout(
      () => assert.fail('the stream was not cancelled within 5 s of the client leaving'),
      5000,
    );
    await wasCancelled;
    clearTimeout(timeout);
  } finally {
    server.closeAllConnections();
    server.close();
    await hub.close();
  }
});

test('an extra route keeps every Set-Cookie of its response', async () => {
  const hub = createHub({ log: null });
  hub.use((request) => {
    if (new URL(request.url).pathname !== '/login') return null;
    const headers = new Headers({ 'content-type': 'text/plain' });
    headers.append('set-cookie', 'session=abc; HttpOnly');
    headers.append('set-cookie', 'theme=dark');
    return new Response('ok', { headers });
  });
  const server = createServer(hub.listener).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    // node:http, not fetch: it hands every Set-Cookie line over as one array entry each.
    const cookies = await new Promise<string[] | undefined>((resolve, reject) => {
      get(`http://127.0.0.1:${port}/login`, (res) => {
        res.resume();
        resolve(res.headers['set-cookie']);
      }).on('error', reject);
    });
    assert.deepEqual(cookies, ['session=abc; HttpOnly', 'theme=dark']);
  } finally {
    server.closeAllConnections();
    server.close();
    await hub.close();
  }
});
