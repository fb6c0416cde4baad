/**
 * The parameters of a subscription sent with the `QUERY` method: its form-encoded body joined to the query.
 *
 * [spec] draft-08 "Subscription": a hub MAY accept a safe method whose body carries the matcher parameters,
 * notably `QUERY` (RFC 10008), for matcher lists too long for the URI limits of intermediaries. The body
 * MUST be `application/x-www-form-urlencoded`; the hub MUST take the union of the query's pairs and the
 * body's, and when `last_event_id` is in both the query's wins. The query's pairs come first in the joined
 * list, so every "first value wins" read (`last_event_id`, `lastEventID`) takes the query's.
 */
import { type HubRequest, type HubResponse, textResponse } from '../http/hub-request.js';
import { MAX_SUBSCRIBE_BODY_BYTES } from '../limits.js';
import { hasValidPercentEscapes } from '../topics/text-rules.js';

/** The method a subscription may use besides GET. */
export const QUERY_METHOD = 'QUERY';

const FORM = 'application/x-www-form-urlencoded';
const BROKEN_ESCAPE = 'has a broken percent-escape (a "%" needs two hex digits, and the bytes UTF-8)';

/**
 * The URL whose query holds every subscription parameter: `request.url` for GET, the union of the query
 * and the body for QUERY. A refusal is a 400 (bad body), 413 (too long) or 415 (not a form).
 */
export async function subscribeParams(request: HubRequest): Promise<URL | HubResponse> {
  if (request.method !== QUERY_METHOD) return request.url;
  const type = request.header('content-type');
  if (type !== undefined && !isForm(type)) return notForm();
  let body: Uint8Array | null;
  try {
    body = await request.readBody(MAX_SUBSCRIBE_BODY_BYTES);
  } catch {
    return textResponse(400, 'the request body ended before it was complete');
  }
  if (body === null) {
    return textResponse(413, `the body is larger than ${MAX_SUBSCRIBE_BODY_BYTES} bytes`, { connection: 'close' });
  }
  // An empty body needs no type: all the parameters are then in the query.
  if (type === undefined && body.byteLength > 0) return notForm();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return textResponse(400, 'the body is not UTF-8');
  }
  // Checked on each part as sent: joined, URLSearchParams would re-encode a broken escape and hide it.
  if (!hasValidPercentEscapes(request.url.search)) return textResponse(400, `the query ${BROKEN_ESCAPE}`);
  if (!hasValidPercentEscapes(text)) return textResponse(400, `the body ${BROKEN_ESCAPE}`);
  const joined = new URL(request.url);
  for (const [name, value] of new URLSearchParams(text)) joined.searchParams.append(name, value);
  return joined;
}

function notForm(): HubResponse {
  return textResponse(415, `a QUERY subscription's body must be ${FORM}`, { 'accept-query': FORM });
}

/** True for `application/x-www-form-urlencoded`, with or without parameters (`; charset=UTF-8`). */
function isForm(contentType: string): boolean {
  return contentType.split(';', 1)[0]!.trim().toLowerCase() === FORM;
}
