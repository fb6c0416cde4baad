import type { ProtocolError } from './errors.js';
import { createParser, type ParsedEvent, type ParserOptions } from './parser.js';

export interface EventStreamParserStreamOptions extends ParserOptions {
  /** Called for every comment line. */
  onComment?: (comment: string) => void;
  /** Called for every valid `retry:` field, in milliseconds. */
  onRetry?: (milliseconds: number) => void;
  /**
   * What to do when a limit is hit: `'terminate'` errors the stream with the `ProtocolError`; a function
   * is called with it and the stream goes on without the dropped event. Default `'terminate'`.
   */
  onError?: 'terminate' | ((error: ProtocolError) => void);
}

/**
 * A web-streams `TransformStream` from the bytes (or text) of an event stream to parsed events:
 * `response.body.pipeThrough(new EventStreamParserStream())`. Named as the platform names a stream form
 * of an object (`TextDecoder` / `TextDecoderStream`): `createParser` returns an `EventStreamParser`, and
 * this is that parser as a stream.
 */
export class EventStreamParserStream extends TransformStream<string | Uint8Array, ParsedEvent> {
  constructor(options: EventStreamParserStreamOptions = {}) {
    const { onComment, onRetry, onError = 'terminate', ...parserOptions } = options;
    let parser: ReturnType<typeof createParser> | undefined;
    super({
      start(controller) {
        parser = createParser(
          {
            onEvent: (event) => controller.enqueue(event),
            ...(onComment ? { onComment } : {}),
            ...(onRetry ? { onRetry } : {}),
            onError: (error) => {
              if (onError !== 'terminate') {
                onError(error);
                return;
              }
              controller.error(error);
              parser?.reset(); // stops the feed in progress: nothing may be enqueued after an error
              parser = undefined;
            },
          },
          parserOptions,
        );
      },
      transform(chunk) {
        parser?.feed(chunk);
      },
    });
  }
}
