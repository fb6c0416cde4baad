export { ProtocolError, type ProtocolErrorCode } from './errors.js';
export { DEFAULT_MAX_EVENT_LENGTH, DEFAULT_MAX_LINE_LENGTH } from './limits.js';
export {
  createParser,
  type EventStreamParser,
  type ParsedEvent,
  type ParserCallbacks,
  type ParserOptions,
} from './parser.js';
export { type EventFields, encodeComment, encodeEvent, formatComment, formatEvent } from './serializer.js';
