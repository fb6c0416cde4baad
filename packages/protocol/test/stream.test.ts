import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ParsedEvent } from '@tidings/protocol';
import { EventStreamParserStream } from '@tidings/protocol/stream';
import { bytes } from './collect.ts';

function sourceOf(chunks: (string | Uint8Array)[]): ReadableStream<string | Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function readAll(stream: ReadableStream<ParsedEvent>): Promise<ParsedEvent[]> {
  const events: ParsedEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('stream: EventStreamParserStream', () => {
  test('turns a byte stream into events', async () => {
    const events = await readAll(
      sourceOf([bytes('id: 1\nevent: a\nda'), bytes('ta: x\n\ndata: y\n\n')]).pipeThrough(
        new EventStreamParserStream(),
      ),
    );
    assert.deepEqual(events, [
      { event: 'a', data: 'x', lastEventId: '1' },
      { event: 'message', data: 'y', lastEventId: '1' },
    ]);
  });

  test('accepts text chunks and reports comments and retry', async () => {
    const comments: string[] = [];
    const retries: number[] = [];
    const parser = new EventStreamParserStream({
      onComment: (c) => comments.push(c),
      onRetry: (ms) => retries.push(ms),
    });
    const events = await readAll(sourceOf([': hi\nretry: 5\n', 'data: z\n\n']).pipeThrough(parser));
    assert.deepEqual(events, [{ event: 'message', data: 'z', lastEventId: '' }]);
    assert.deepEqual(comments, ['hi']);
    assert.deepEqual(retries, [5]);
  });

  test('by default a limit error errors the stream with the ProtocolError', async () => {
    const stream = sourceOf([`data: ${'x'.repeat(50)}\n\ndata: after\n\n`]).pipeThrough(
      new EventStreamParserStream({ maxLineLength: 20 }),
    );
    await assert.rejects(readAll(stream), (error: unknown) => (error as { code?: string }).code === 'LINE_TOO_LONG');
  });

  test('with an onError function the stream goes on without the dropped event', async () => {
    const codes: string[] = [];
    const stream = sourceOf([`data: ${'x'.repeat(50)}\n\ndata: after\n\n`]).pipeThrough(
      new EventStreamParserStream({ maxLineLength: 20, onError: (error) => codes.push(error.code) }),
    );
    assert.deepEqual(await readAll(stream), [{ event: 'message', data: 'after', lastEventId: '' }]);
    assert.deepEqual(codes, ['LINE_TOO_LONG']);
  });
});
