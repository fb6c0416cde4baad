/**
 * [spec] draft-08 "Subscription API": GET `/.well-known/mercure/subscriptions`, `.../{match_type}/{match}`
 * and `.../{match_type}/{match}/{subscriber}`, as `application/json`, for a token granted `subscribe`
 * on the requested path; the `rel="mercure"` Link header carries the `last-event-id` to subscribe from.
 */
import { encodeUtf8Header } from '@tidings/server';
import { requestGrants } from '../auth/request-grants.js';
import { bearerChallenge, type HubRequest, type HubResponse, textResponse } from '../http/hub-request.js';
import type { HubContext } from '../hub-context.js';
import { MAX_SUBSCRIPTIONS_PER_RESPONSE } from '../limits.js';
import type { ActiveSubscriptions } from './active-subscriptions.js';
import type { SubscriptionDocument } from './subscription-document.js';
import { canonicalPath, parseSubscriptionPath, SUBSCRIPTIONS_PATH } from './subscription-topic.js';

/** True when `pathname` is in the API's tree (answered by it, 404 included). */
export function isSubscriptionApiPath(pathname: string): boolean {
  return pathname === SUBSCRIPTIONS_PATH || pathname.startsWith(`${SUBSCRIPTIONS_PATH}/`);
}

export function createSubscriptionApi(
  hub: HubContext,
  subscriptions: ActiveSubscriptions,
): (request: HubRequest) => Promise<HubResponse> {
  return async (request) => {
    const origin = request.header('origin');
    if (request.method === 'OPTIONS')
      return { kind: 'response', status: 204, headers: hub.cors.preflight(origin).headers, body: '' };
    const cors = { ...hub.cors.headers(origin) };
    const answer = await respond(hub, subscriptions, request);
    const exposed = cors['access-control-expose-headers'];
    // [spec] cross-origin clients must be able to read the Link header's last-event-id.
    if (exposed !== undefined) cors['access-control-expose-headers'] = `${exposed}, Link`;
    return { ...answer, headers: { ...cors, ...answer.headers } };
  };
}

async function respond(hub: HubContext, subscriptions: ActiveSubscriptions, request: HubRequest): Promise<HubResponse> {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return textResponse(405, 'the subscription API answers GET', { allow: 'GET, HEAD, OPTIONS' });
  const path = parseSubscriptionPath(request.url.pathname);
  if (path === null) return textResponse(404, 'no such subscription resource');
  const auth = await requestGrants(hub, request, 'subscriber');
  if (auth.kind === 'refused') return auth.response;
  if (auth.kind === 'none')
    return textResponse(401, 'the subscription API needs a subscriber token', bearerChallenge());
  // [spec] the topic to authorize is the path in its relative, canonical form (that of the event topics).
  const topic = canonicalPath(path);
  if (!auth.grants.subscribe.some((selector) => selector.matches(topic)))
    return textResponse(403, 'the token does not grant subscribe on this path', bearerChallenge('insufficient_scope'));
  await subscriptions.ready;
  const cursor = subscriptions.lastEventId ?? 'earliest';
  let body: unknown;
  if (path.kind === 'one') {
    const doc = subscriptions.get(topic);
    if (doc === undefined) return textResponse(404, 'no such active subscription', linkHeaders(hub, cursor));
    body = doc;
  } else {
    const prefix = `${topic}/`;
    const docs: SubscriptionDocument[] = [];
    for (const doc of subscriptions.list()) {
      if (path.kind === 'matcher' && !doc.id.startsWith(prefix)) continue;
      if (docs.length === MAX_SUBSCRIPTIONS_PER_RESPONSE) break;
      docs.push(doc);
    }
    body = { id: topic, type: 'subscriptions', subscriptions: docs };
  }
  return {
    kind: 'response',
    status: 200,
    headers: { 'content-type': 'application/json', ...linkHeaders(hub, cursor) },
    body: request.method === 'HEAD' ? '' : JSON.stringify(body),
  };
}

function linkHeaders(hub: HubContext, cursor: string): Record<string, string> {
  const quoted = cursor.replace(/["\\]/g, '\\$&');
  return {
    link: encodeUtf8Header(
      `<${hub.config.publicUrl}>; rel="mercure"; last-event-id="${quoted}"; type="mercure"; content-type="application/json"`,
    ),
    etag: encodeUtf8Header(`"${quoted}"`),
    'cache-control': 'must-revalidate',
  };
}
