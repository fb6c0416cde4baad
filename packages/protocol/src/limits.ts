/**
 * Every limit of @tidings/protocol, in one place. Lengths are counted in UTF-16 code units (JavaScript
 * string length), which for ASCII text is bytes.
 */

/**
 * Longest line the parser buffers while waiting for its line end: 1 MiB. A peer that never sends a
 * line end would otherwise make the parser hold its whole output in memory.
 */
export const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;

/**
 * Largest data buffer (each `data:` value of one event and an LF, as the standard builds it) the parser
 * builds before the blank line that dispatches it. Without it, many short `data:` lines and no blank line
 * grow memory without bound.
 * Defaults to `maxLineLength`, so the default parser never holds more than 2 MiB for one stream.
 */
export const DEFAULT_MAX_EVENT_LENGTH = DEFAULT_MAX_LINE_LENGTH;
