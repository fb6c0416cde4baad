// Records what an EventSource dispatches as short strings, in order, to compare with the standard.
import type { EventSource, EventSourceErrorEvent } from '../../src/index.ts';

export interface Logged {
  /** 'open', 'message:<data>', '<type>:<data>' for named events, 'error:<code>:<readyState>' */
  log: string[];
  messages: MessageEvent<string>[];
  errors: EventSourceErrorEvent[];
}

const STATES = ['CONNECTING', 'OPEN', 'CLOSED'];

export function logEvents(source: EventSource, namedTypes: string[] = []): Logged {
  const out: Logged = { log: [], messages: [], errors: [] };
  source.addEventListener('open', () => out.log.push(`open:${STATES[source.readyState]}`));
  for (const type of ['message', ...namedTypes]) {
    source.addEventListener(type, (event: MessageEvent<string>) => {
      out.messages.push(event);
      out.log.push(`${event.type}:${event.data}`);
    });
  }
  source.addEventListener('error', (event) => {
    out.errors.push(event);
    out.log.push(`error:${event.code}:${STATES[source.readyState]}`);
  });
  return out;
}
