import { ProtocolError } from './errors.js';
import { DEFAULT_MAX_LINE_LENGTH } from './limits.js';

/** One dispatched event, as the WHATWG "dispatch the event" steps build it. */
export interface ParsedEvent {
  /**
   * The event type: the block's last `event:` value, or `message` when there was none or it was empty.
   * Named after the field, as in `encodeEvent` and eventsource-parser (a DOM MessageEvent calls it `type`).
   */
  event: string;
  /** The `data:` lines of the block joined with LF. */
  data: string;
  /** The last event ID buffer: set by `id:` and kept across events until the next `id:` changes it. */
  lastEventId: string;
}

export interface ParserCallbacks {
  /** Called for every dispatched event. */
  onEvent: (event: ParsedEvent) => void;
  /** Called for every comment line (`:` first), with the text after the colon and one optional space. */
  onComment?: (comment: string) => void;
  /** Called for every `retry:` field whose value is ASCII digits only, with the value in milliseconds. */
  onRetry?: (milliseconds: number) => void;
  /** Called when a limit is hit (`LINE_TOO_LONG`, `EVENT_TOO_LONG`); the affected event is dropped. */
  onError?: (error: ProtocolError) => void;
}

export interface ParserOptions {
  /** Longest line, in UTF-16 code units, buffered while waiting for its line end. Default 1 MiB. */
  maxLineLength?: number;
  /** Largest data buffer of one event, in UTF-16 code units. Default: `maxLineLength`. */
  maxEventLength?: number;
  /** The last event ID buffer to start with (a reconnecting client passes the id it last saw). Default ''. */
  lastEventId?: string;
}

export interface EventStreamParser {
  /** Parses the next piece of the stream: text, or UTF-8 bytes (a character may be split across chunks). */
  feed(chunk: string | Uint8Array): void;
  /**
   * Forgets everything buffered (an unfinished line or event) and starts a new stream, as on reconnection.
   * The last event ID buffer starts as `lastEventId` if given, else as the last dispatched one, which is
   * what browsers do across reconnections. Called from a callback, it also stops the current `feed`.
   */
  reset(options?: { lastEventId?: string }): void;
  /** The last event ID as of the last blank line: what a reconnecting client sends as `Last-Event-ID`. */
  readonly lastEventId: string;
  /** UTF-16 code units held now (unfinished line plus data buffer); never above the two limits' sum. */
  readonly bufferedLength: number;
}

const LF = 0x0a;
const SPACE = 0x20;
const COLON = 0x3a;
const BOM = 0xfeff;
const ASCII_DIGITS = /^[0-9]+$/;

// #processLine recognises the three fields of almost every real event by their name and colon, with
// the characters compared one by one on the chunk (V8 compiles these to a few compares; startsWith stays a
// call), so that no line is sliced just to be compared. Reading past the line end is safe: the character
// there is CR or LF (or none), never a letter or a colon.
const isDataField = (t: string, s: number) =>
  t.charCodeAt(s) === 0x64 &&
  t.charCodeAt(s + 1) === 0x61 &&
  t.charCodeAt(s + 2) === 0x74 &&
  t.charCodeAt(s + 3) === 0x61 &&
  t.charCodeAt(s + 4) === COLON;
const isEventField = (t: string, s: number) =>
  t.charCodeAt(s) === 0x65 &&
  t.charCodeAt(s + 1) === 0x76 &&
  t.charCodeAt(s + 2) === 0x65 &&
  t.charCodeAt(s + 3) === 0x6e &&
  t.charCodeAt(s + 4) === 0x74 &&
  t.charCodeAt(s + 5) === COLON;
const isIdField = (t: string, s: number) =>
  t.charCodeAt(s) === 0x69 && t.charCodeAt(s + 1) === 0x64 && t.charCodeAt(s + 2) === COLON;

/** [spec] Where the value starts after the colon at t[colon]: one space after the colon is removed, only one. */
const valueStart = (t: string, colon: number) => (t.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1);

/** What feedLFLines returns when a callback called reset() and the feed must stop. */
const STOPPED = -1;

function checkLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive integer (UTF-16 code units), got ${String(value)}`);
  }
  return value;
}

/**
 * The parser's state and steps. A class rather than closures made per parser: its methods are shared by
 * every instance, so V8 knows each call target and inlines the per-line steps into the feed loop
 * (measured with bench/protocol.mjs: about 7% more throughput on small events).
 */
class Parser implements EventStreamParser {
  readonly #onEvent: (event: ParsedEvent) => void;
  readonly #onComment: ((comment: string) => void) | undefined;
  readonly #onRetry: ((milliseconds: number) => void) | undefined;
  readonly #onError: ((error: ProtocolError) => void) | undefined;
  readonly #maxLineLength: number;
  readonly #maxEventLength: number;

  #decoder: TextDecoder | undefined;
  #atStreamStart = true; // a BOM may still come
  #pending = ''; // the current line so far, without its line end
  #skipLeadingLF = false; // the last chunk ended in CR: an LF first in the next one ends no line
  #discardingLine = false; // the current line passed maxLineLength: drop the rest of it
  #droppingEvent = false; // the current event passed a limit: ignore its data and event lines
  // The data buffer without its trailing LF, and whether any data line came: the standard appends
  // value + LF and strips the last LF at dispatch; joining lazily avoids copying single-line data.
  #dataBuffer = '';
  #hasData = false;
  #eventTypeBuffer = '';
  #lastEventIdBuffer: string;
  #lastEventId: string;
  #generation = 0; // bumped by reset(), so a reset from a callback stops the feed loop

  constructor(callbacks: ParserCallbacks, options: ParserOptions) {
    this.#onEvent = callbacks.onEvent;
    this.#onComment = callbacks.onComment;
    this.#onRetry = callbacks.onRetry;
    this.#onError = callbacks.onError;
    this.#maxLineLength = checkLimit('maxLineLength', options.maxLineLength, DEFAULT_MAX_LINE_LENGTH);
    this.#maxEventLength = checkLimit('maxEventLength', options.maxEventLength, this.#maxLineLength);
    this.#lastEventIdBuffer = options.lastEventId ?? '';
    this.#lastEventId = this.#lastEventIdBuffer;
  }

  get lastEventId(): string {
    return this.#lastEventId;
  }

  get bufferedLength(): number {
    return this.#pending.length + this.#dataBuffer.length;
  }

  feed(chunk: string | Uint8Array): void {
    if (typeof chunk === 'string') {
      this.#feedText(chunk);
      return;
    }
    // [spec] streams are decoded as UTF-8; invalid bytes become U+FFFD. The BOM is handled in #feedText.
    this.#decoder ??= new TextDecoder('utf-8', { ignoreBOM: true });
    this.#feedText(this.#decoder.decode(chunk, { stream: true }));
  }

  reset(options: { lastEventId?: string } = {}): void {
    this.#generation++;
    this.#decoder = undefined;
    this.#atStreamStart = true;
    this.#pending = '';
    this.#skipLeadingLF = false;
    this.#discardingLine = false;
    this.#droppingEvent = false;
    this.#dataBuffer = '';
    this.#hasData = false;
    this.#eventTypeBuffer = '';
    this.#lastEventIdBuffer = options.lastEventId ?? this.#lastEventId;
    this.#lastEventId = this.#lastEventIdBuffer;
  }

  #fail(error: ProtocolError): void {
    this.#droppingEvent = true;
    this.#dataBuffer = '';
    this.#hasData = false;
    this.#eventTypeBuffer = '';
    this.#onError?.(error);
  }

  #dispatch(): void {
    if (this.#droppingEvent || !this.#hasData) {
      // [spec] an empty data buffer dispatches nothing; both buffers are reset
      this.#lastEventId = this.#lastEventIdBuffer;
      this.#droppingEvent = false;
      this.#dataBuffer = '';
      this.#hasData = false;
      this.#eventTypeBuffer = '';
      return;
    }
    this.#emit(this.#dataBuffer); // [spec] the last LF of the data buffer is removed (it was never added here)
  }

  /** Dispatches an event with `data` and the buffered type and id, and empties the event's buffers. */
  #emit(data: string): void {
    this.#lastEventId = this.#lastEventIdBuffer; // [spec] set the last event ID string to the last event ID buffer
    const type = this.#eventTypeBuffer;
    this.#dataBuffer = '';
    this.#hasData = false;
    this.#eventTypeBuffer = '';
    // [spec] the type defaults to "message"
    this.#onEvent({ event: type === '' ? 'message' : type, data, lastEventId: this.#lastEventId });
  }

  #appendData(value: string): void {
    if (this.#droppingEvent) return;
    // The limit bounds the standard's data buffer, a value and an LF per line. The buffer here lacks the
    // last line's LF, so it counts as length + 1 once it has data (found by test/fuzz.test.ts).
    const buffered = this.#hasData ? this.#dataBuffer.length + 1 : 0;
    if (buffered + value.length + 1 > this.#maxEventLength) {
      this.#fail(new ProtocolError('EVENT_TOO_LONG', `event data exceeds maxEventLength (${this.#maxEventLength})`));
      return;
    }
    // [spec] append the value and a single LF to the data buffer
    this.#dataBuffer = this.#hasData ? `${this.#dataBuffer}\n${value}` : value;
    this.#hasData = true;
  }

  #setEventType(value: string): void {
    if (!this.#droppingEvent) this.#eventTypeBuffer = value;
  }

  #setId(value: string): void {
    if (!value.includes('\0')) this.#lastEventIdBuffer = value; // [spec] an id containing U+0000 is ignored
  }

  /** [spec] A comment line (colon first) is ignored by the event logic; its text is sliced only for a listener. */
  #comment(text: string, start: number, end: number): void {
    if (this.#onComment) this.#onComment(text.slice(valueStart(text, start), end));
  }

  /**
   * Processes the non-blank line text[start, end). Works on indexes into the chunk rather than on a sliced
   * line: only the value of a known field is copied out. The three fields of almost every event, written
   * with their colon, are recognised first and at once; every other line goes to #processOtherLine.
   */
  #processLine(text: string, start: number, end: number): void {
    if (isDataField(text, start)) this.#appendData(text.slice(valueStart(text, start + 4), end));
    else if (isEventField(text, start)) this.#setEventType(text.slice(valueStart(text, start + 5), end));
    else if (isIdField(text, start)) this.#setId(text.slice(valueStart(text, start + 2), end));
    else if (text.charCodeAt(start) === COLON) this.#comment(text, start, end);
    else this.#processOtherLine(text, start, end);
  }

  /**
   * `retry`, unknown fields, and the known ones written without a colon (`data` alone): rare lines, so the
   * line is sliced once and searched for its colon there (never past its end, into the rest of the chunk).
   */
  #processOtherLine(text: string, start: number, end: number): void {
    const line = text.slice(start, end);
    // [spec] The name runs up to the first colon, or is the whole line (then the value is empty).
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(valueStart(line, colon));
    if (name === 'data') this.#appendData(value);
    else if (name === 'event') this.#setEventType(value);
    else if (name === 'id') this.#setId(value);
    else if (name === 'retry' && ASCII_DIGITS.test(value)) this.#onRetry?.(Number.parseInt(value, 10)); // [spec] digits only
    // [spec] any other field is ignored
  }

  #lineTooLong(): ProtocolError {
    return new ProtocolError('LINE_TOO_LONG', `line exceeds maxLineLength (${this.#maxLineLength})`);
  }

  /**
   * Processes the LF-terminated lines of text from `start` on, in a loop of its own (the common case).
   * Returns the position after the last line end, or STOPPED when a callback called reset().
   *
   * The commonest event of all, one data line and the blank line after it, is dispatched here without
   * touching the data buffer; other lines go to #processLine, which V8 inlines here. Measured with
   * bench/protocol.mjs (small events, 2026-11-22): the loop before, which matched fields in one switch and
   * then branched on the result, left #appendData outside V8's inlining budget and ran at 0.92 of
   * eventsource-parser; this one runs at 1.12–1.16.
   */
  #feedLFLines(text: string, start: number, startGeneration: number): number {
    let position = start;
    let nextLF = text.indexOf('\n', position);
    while (nextLF !== -1) {
      if (nextLF === position) {
        this.#dispatch(); // [spec] a blank line dispatches the event
      } else if (nextLF - position > this.#maxLineLength) {
        this.#fail(this.#lineTooLong());
      } else if (
        isDataField(text, position) &&
        text.charCodeAt(nextLF + 1) === LF &&
        !this.#hasData &&
        !this.#droppingEvent &&
        nextLF - position < this.#maxEventLength
      ) {
        // The event's only data line, followed by the blank line that dispatches it: skip the data buffer.
        // A line shorter than maxEventLength surely fits; a longer one goes the long way, which checks it.
        this.#emit(text.slice(valueStart(text, position + 4), nextLF));
        nextLF++;
      } else {
        this.#processLine(text, position, nextLF);
      }
      if (this.#generation !== startGeneration) return STOPPED;
      position = nextLF + 1;
      nextLF = text.indexOf('\n', position);
    }
    return position;
  }

  /**
   * Processes the lines of text from `start` on, whatever their line ends, and a line carried over from the
   * last chunk. Returns the position after the last line end, or STOPPED when a callback called reset().
   * A method of its own, apart from #feedText, so that V8 inlines #processLine into this loop as well
   * (bench/protocol.mjs, CRLF line ends: 1.07 of eventsource-parser when it was part of #feedText, 1.12–1.19 now).
   */
  #feedLines(text: string, start: number): number {
    const startGeneration = this.#generation;
    const length = text.length;
    let position = start;
    // Positions of the next CR and LF, searched again only once passed: one scan of the text in all.
    let nextCR = text.indexOf('\r', position);
    let nextLF = -2; // not searched yet: the LF-only loop does its own search
    while (position < length) {
      if (nextCR === -1 && this.#pending === '' && !this.#discardingLine) {
        // The rest of the chunk has LF line ends only and no line is carried over: the common case.
        return this.#feedLFLines(text, position, startGeneration);
      }
      if (nextCR !== -1 && nextCR < position) nextCR = text.indexOf('\r', position);
      if (nextLF === -2 || (nextLF !== -1 && nextLF < position)) nextLF = text.indexOf('\n', position);
      let end: number;
      let next: number;
      if (nextCR === -1 && nextLF === -1) break;
      if (nextCR === -1 || (nextLF !== -1 && nextLF < nextCR)) {
        end = nextLF;
        next = end + 1;
      } else {
        end = nextCR; // [spec] CRLF, LF and CR each end a line
        if (end + 1 < length) {
          next = text.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
        } else {
          next = end + 1;
          this.#skipLeadingLF = true;
        }
      }
      if (this.#discardingLine) {
        this.#discardingLine = false;
      } else if (this.#pending.length + (end - position) > this.#maxLineLength) {
        this.#pending = '';
        this.#fail(this.#lineTooLong());
      } else if (this.#pending !== '') {
        const line = this.#pending + text.slice(position, end); // never blank: pending is not empty
        this.#pending = '';
        this.#processLine(line, 0, line.length);
      } else if (end === position) {
        this.#dispatch(); // [spec] a blank line dispatches the event
      } else {
        this.#processLine(text, position, end);
      }
      if (this.#generation !== startGeneration) return STOPPED;
      position = next;
    }
    return position;
  }

  #feedText(chunk: string): void {
    let text = chunk;
    if (this.#atStreamStart) {
      if (text.length === 0) return;
      this.#atStreamStart = false;
      if (text.charCodeAt(0) === BOM) text = text.slice(1); // [spec] one leading BOM is ignored
    }
    const length = text.length;
    let position = 0;
    if (this.#skipLeadingLF && length > 0) {
      this.#skipLeadingLF = false;
      if (text.charCodeAt(0) === LF) position = 1; // the LF of a CRLF split across chunks
    }
    position = this.#feedLines(text, position);
    if (position === STOPPED) return;
    if (position < length && !this.#discardingLine) {
      if (this.#pending.length + (length - position) > this.#maxLineLength) {
        this.#pending = '';
        this.#discardingLine = true;
        this.#fail(this.#lineTooLong());
      } else {
        this.#pending += text.slice(position);
      }
    }
  }
}

/**
 * Creates a streaming parser for `text/event-stream`, following the WHATWG HTML standard, section
 * "Server-sent events", "Interpreting an event stream". Memory is bounded by `maxLineLength` plus
 * `maxEventLength`, whatever the input.
 */
export function createParser(callbacks: ParserCallbacks, options: ParserOptions = {}): EventStreamParser {
  if (typeof callbacks?.onEvent !== 'function') {
    throw new TypeError('createParser needs callbacks.onEvent, a function called with each event');
  }
  return new Parser(callbacks, options);
}
