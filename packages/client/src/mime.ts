/** HTTP whitespace, as the Fetch standard defines it: tab, LF, CR, space. */
const HTTP_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/**
 * Whether a Content-Type header value's MIME type essence is text/event-stream. Follows the shape of
 * the MIME Sniffing standard's "parse a MIME type": trim HTTP whitespace, cut the parameters at the
 * first `;`, compare type/subtype ASCII case-insensitively. Parameters (charset included) are ignored:
 * event streams are always UTF-8.
 */
export function isEventStreamContentType(value: string | null): boolean {
  if (value === null) return false;
  const semicolon = value.indexOf(';');
  const essence = (semicolon === -1 ? value : value.slice(0, semicolon)).replace(HTTP_WHITESPACE, '');
  return essence.toLowerCase() === 'text/event-stream';
}
