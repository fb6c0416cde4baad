/**
 * `mercureLink(hub, attributes)`: the value of the `Link` header by which a publisher's response names
 * the Mercure hub to subscribe to for updates of that resource.
 *
 * [spec] Mercure draft-08 "Hub Discovery": the publisher SHOULD include at least one Link header with
 * `rel="mercure"` (RFC 8288) whose target is the hub URL, and MAY add the target attributes
 * `last-event-id`, `content-type` and `type`. Values go out as RFC 8288 quoted strings; a value with
 * characters outside printable ASCII goes out in the RFC 8187 form (`last-event-id*=UTF-8''…`), since
 * header values are bytes, not text. Control characters are refused: in a header they would end it and
 * start another (CWE-113, response splitting).
 */
import { MAX_EVENT_ID_LENGTH } from './limits.js';

/** The target attributes of a `rel="mercure"` link (draft-08 "Hub Discovery"); each is optional. */
export interface MercureLinkAttributes {
  /**
   * The id of the last update published for the resource when it was generated. The subscriber passes it
   * to the hub as `last_event_id`, so updates published in between are not lost. At most
   * `MAX_EVENT_ID_LENGTH` characters.
   */
  lastEventId?: string;
  /** The content type of the updates, when it differs from the resource's (`application/merge-patch+json`). */
  contentType?: string;
  /**
   * The SSE event type the updates carry (`event:`), sent as the link's `type` attribute; `mercure` is
   * reserved for the hub's subscription events.
   */
  event?: string;
}

/** [spec] draft-08 "Subscription Events": the event type the hub itself uses. */
const RESERVED_TYPE = 'mercure';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;

/**
 * The `Link` header value naming `hub` (an absolute http(s) URL, or several, for one link each) with
 * `rel="mercure"` and the given attributes. Throws a `TypeError` that says what to fix.
 */
export function mercureLink(
  hub: string | URL | readonly (string | URL)[],
  attributes: MercureLinkAttributes = {},
): string {
  const hubs = typeof hub === 'string' || hub instanceof URL ? [hub] : [...hub];
  if (hubs.length === 0) throw new TypeError('mercureLink needs at least one hub URL');
  const params = linkParams(attributes);
  return hubs.map((url) => `<${hubUrl(url)}>; rel="mercure"${params}`).join(', ');
}

function hubUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      `mercureLink: "${String(url)}" is not an absolute URL (e.g. https://example.com/.well-known/mercure)`,
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new TypeError('mercureLink: the hub URL must be http: or https:');
  // The serialized URL percent-encodes `<`, `>`, `"`, spaces and non-ASCII: nothing can end the <…>.
  return parsed.href;
}

function linkParams(attributes: MercureLinkAttributes): string {
  if (typeof attributes !== 'object' || attributes === null)
    throw new TypeError('mercureLink: attributes must be an object');
  const { lastEventId, contentType, event } = attributes;
  if ('type' in attributes)
    throw new TypeError('mercureLink: the event type attribute is called event (it goes out as type="…")');
  let params = '';
  if (lastEventId !== undefined) {
    if (lastEventId.length > MAX_EVENT_ID_LENGTH)
      throw new TypeError(`mercureLink: lastEventId is longer than ${MAX_EVENT_ID_LENGTH} characters`);
    params += param('last-event-id', lastEventId);
  }
  if (contentType !== undefined) params += param('content-type', contentType);
  if (event !== undefined) {
    if (event === RESERVED_TYPE)
      throw new TypeError('mercureLink: event type "mercure" is reserved for the hub\'s subscription events');
    params += param('type', event);
  }
  return params;
}

function param(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`mercureLink: ${name} must be a non-empty string`);
  if (CONTROL.test(value)) throw new TypeError(`mercureLink: ${name} must not contain control characters (CR, LF, …)`);
  // [spec] RFC 8288 3 / RFC 9110 5.6.4: a quoted-string escapes `"` and `\` with a backslash.
  if (PRINTABLE_ASCII.test(value)) return `; ${name}="${value.replace(/["\\]/g, '\\$&')}"`;
  // [spec] RFC 8288 3 / RFC 8187 3.2: an ext-value, UTF-8 percent-encoded; the `*` name marks it.
  try {
    return `; ${name}*=UTF-8''${encodeExtValue(value)}`;
  } catch {
    // encodeURIComponent throws on a lone surrogate, which has no UTF-8 form.
    throw new TypeError(`mercureLink: ${name} has a lone surrogate (no UTF-8 form)`);
  }
}

/** [spec] RFC 8187 3.2.1: every byte outside attr-char is percent-encoded. */
function encodeExtValue(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
