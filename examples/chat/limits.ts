// Every limit of the chat example, in one place. Each protects the server or the other readers from one
// client: an unbounded body would be read into memory, an unbounded message would be sent to every reader.

/** Longest name, in characters (Unicode code points) after trimming spaces. */
export const MAX_NAME_LENGTH = 32;
/** Longest message, in characters (Unicode code points) after trimming spaces. */
export const MAX_MESSAGE_LENGTH = 500;
/** Largest request body accepted by POST /messages, in bytes; a larger one gets 413 before it is read. */
export const MAX_BODY_BYTES = 4 * 1024;
