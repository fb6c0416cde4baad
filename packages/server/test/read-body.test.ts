// The request-body readers of both adapters against their byte limit, over real node:http.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { readFetchBody } from '@tidings/server/fetch';
import { readBody } from '@tidings/server/node';

const LIMIT = 16;

async function withServer(run: (url: string) => Promise<void>): Promise<void> {
  const server = createServer((req, res) => {
    readBody(req, LIMIT).then((body) => {
      res.writeHead(body === null ? 413 : 200);
      res.end(body === null ? '' : body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

test('readBody returns a body of up to maxBytes', async () => {
  await withServer(async (url) => {
    const response = await fetch(url, { method: 'POST', body: 'x'.repeat(LIMIT) });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'x'.repeat(LIMIT));
  });
});

test('readBody returns null for a longer body, declared or streamed, and the client reads the 413', async () => {
  await withServer(async (url) => {
    assert.equal((await fetch(url, { method: 'POST', body: 'x'.repeat(LIMIT + 1) })).status, 413);
    // No Content-Length: the limit is found while reading.
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('x'.repeat(LIMIT)));
        controller.enqueue(new TextEncoder().encode('more'));
        controller.close();
      },
    });
    const response = await fetch(url, { method: 'POST', body: chunked, duplex: 'half' } as RequestInit);
    assert.equal(response.status, 413);
  });
});

test('readFetchBody returns the body, or null past maxBytes', async () => {
  const post = (body: BodyInit) => new Request('http://localhost/', { method: 'POST', body });
  assert.equal(new TextDecoder().decode((await readFetchBody(post('x'.repeat(LIMIT)), LIMIT))!), 'x'.repeat(LIMIT));
  assert.equal(await readFetchBody(post('x'.repeat(LIMIT + 1)), LIMIT), null);
  assert.deepEqual(await readFetchBody(new Request('http://localhost/'), LIMIT), new Uint8Array());
  await assert.rejects(readFetchBody(post('x'), -1), TypeError);
});
