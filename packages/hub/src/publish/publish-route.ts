/**
 * POST /.well-known/mercure: a publisher's update, form or JSON, authorized by a publisher JWT (Bearer
 * header or the mercureAuthorization cookie). Answers 200 with the update's id, or the refusal's status.
 */
import { EventLogError } from '@tidings/server';
import { canPublish } from '../auth/authorization.js';
import { requestGrants } from '../auth/request-grants.js';
import { bearerChallenge, type HubRequest, type HubResponse, TEXT, textResponse } from '../http/hub-request.js';
import type { HubContext } from '../hub-context.js';
import { describeError } from '../logger.js';
import { isRefusal, parsePublishBody } from './publish-request.js';

/** The publish handler, timed for the publish-latency histogram and counted by status. */
export function createPublishRoute(hub: HubContext): (request: HubRequest) => Promise<HubResponse> {
  return async (request) => {
    const started = performance.now();
    let response: HubResponse;
    try {
      response = await publish(hub, request);
    } catch (error) {
      response = publishFailure(hub, error);
    }
    if (response.status === 200) hub.metrics.observePublish((performance.now() - started) / 1000);
    else hub.metrics.rejectPublish(response.status);
    return response;
  };
}

async function publish(hub: HubContext, request: HubRequest): Promise<HubResponse> {
  const { config, log } = hub;
  if (hub.isClosing()) return textResponse(503, 'the hub is shutting down');
  const auth = await requestGrants(hub, request, 'publisher');
  if (auth.kind === 'refused') return auth.response;
  if (auth.kind === 'none') {
    return textResponse(
      401,
      'missing token (Authorization: Bearer, or the mercureAuthorization cookie)',
      bearerChallenge(),
    );
  }
  const { grants } = auth;
  if (hub.publishRates !== null && !hub.publishRates.take(auth.token)) {
    return textResponse(
      429,
      `this token publishes more than ${config.publishRatePerToken} updates per second; slow down`,
      { 'retry-after': String(hub.publishRates.retryAfterSeconds(auth.token)) },
    );
  }
  if (auth.source === 'cookie') {
    // [spec] 0.x "Security Considerations": a cookie is sent by the browser on its own, so check where the request came from (CSRF).
    const origin = request.header('origin') ?? originOf(request.header('referer'));
    if (origin === undefined || (origin !== request.url.origin && !hub.cors.listed(origin))) {
      return textResponse(
        403,
        'cookie-authorized publishing needs an Origin from the hub itself or the CORS allowlist',
      );
    }
  }
  let body: Uint8Array | null;
  try {
    body = await request.readBody(config.maxBody);
  } catch {
    // The body stopped before its end (the client left, or broke its framing): its fault, not the hub's,
    // so no 500 and no error in the log. The client rarely reads this answer (found by test/fuzz.test.ts).
    log.debug('publish refused: the body ended early');
    return textResponse(400, 'the request body ended before it was complete');
  }
  if (body === null)
    return textResponse(413, `the body is larger than ${config.maxBody} bytes`, { connection: 'close' });
  const fields = parsePublishBody(request.header('content-type'), body);
  if (isRefusal(fields)) return textResponse(fields.status, fields.reason);
  // [spec] 0.x "Publishers": every topic of the update must be allowed, or nothing is dispatched (403).
  if (!canPublish(grants, fields.topics)) {
    return textResponse(
      403,
      'the token may not publish to every topic of this update',
      bearerChallenge('insufficient_scope'),
    );
  }
  const update = await hub.pipeline.publish(fields);
  if (update === null) return textResponse(409, 'an update with this id is already in the history');
  log.debug('published', { id: update.id, topics: update.topics.length, private: update.private });
  // [spec] 0.x "Publication": the body of the answer is the update's id.
  return { kind: 'response', status: 200, headers: { 'content-type': TEXT }, body: update.id };
}

/** The answer to a publish that threw: 503 when the log could not store it (nothing was stored), else 500. */
function publishFailure(hub: HubContext, error: unknown): HubResponse {
  hub.log.error('publish failed', { error: describeError(error) });
  if (error instanceof EventLogError && error.code === 'LOG_UNAVAILABLE')
    return textResponse(503, 'the event log is unavailable, so the update was not stored; try again later', {
      'retry-after': '5',
    });
  if (error instanceof EventLogError && error.code === 'LOG_CLOSED')
    return textResponse(503, 'the hub is shutting down');
  return textResponse(500, 'the hub failed to publish this update (see its log)');
}

function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
