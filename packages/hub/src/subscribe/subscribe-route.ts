/**
 * GET /.well-known/mercure: an event stream of the updates whose topics the subscriber selects (and, for
 * private ones, is granted), after a replay of the history from Last-Event-ID when one is asked for.
 */
import { encodeUtf8Header, LogSubscriber, type ReplayStart, resolveReplayStart, type Session } from '@tidings/server';
import { type Grants, NO_GRANTS } from '../auth/authorization.js';
import { requestGrants } from '../auth/request-grants.js';
import { clientAddress, clientKey } from '../client-limits/client-address.js';
import { SelectorError } from '../errors.js';
import {
  bearerChallenge,
  type HubAnswer,
  type HubRequest,
  type HubResponse,
  textResponse,
} from '../http/hub-request.js';
import type { HubContext } from '../hub-context.js';
import { describeError } from '../logger.js';
import { atTime } from './deadline-timer.js';
import { subscribeParams } from './subscribe-body.js';
import { parseSubscribeQuery } from './subscribe-request.js';
import { type Subscriber, wants } from './subscriber-registry.js';

export function createSubscribeRoute(hub: HubContext): (request: HubRequest) => Promise<HubAnswer> {
  return (request) => subscribe(hub, request);
}

async function subscribe(hub: HubContext, request: HubRequest): Promise<HubAnswer> {
  const { config, registry, log, metrics } = hub;
  if (hub.isClosing()) return textResponse(503, 'the hub is shutting down');
  // GET: the query; QUERY: the query and the form body together (draft-08 "Subscription").
  const params = await subscribeParams(request);
  if (!(params instanceof URL)) return params;
  let query: ReturnType<typeof parseSubscribeQuery>;
  try {
    query = parseSubscribeQuery(params, request.header('last-event-id'), config.publicUrl);
  } catch (error) {
    if (error instanceof SelectorError) return textResponse(400, error.message);
    throw error;
  }
  const auth = await subscriberGrants(hub, request);
  if ('kind' in auth) return auth;
  if (registry.size >= config.maxSubscribers)
    return textResponse(429, 'too many subscribers; try again later', { 'retry-after': '5' });
  const client = clientKey(clientAddress(request.peerAddress, request.header('x-forwarded-for'), config.trustProxy));
  const release = hub.streams.admit(client);
  if (typeof release !== 'function') return release;

  const subscriber: Subscriber = {
    selectors: query.selectors,
    grants: auth.grants,
    expiresAt: auth.expiresAt,
    mark: 0,
    feed: new LogSubscriber({
      maxHeldBytes: config.subscriberQueueBytes,
      replayEvent: config.replayEvent,
      onEnd: (why, error) => {
        release();
        registry.delete(subscriber);
        metrics.subscribers = registry.size;
        if (why === 'slow') hub.pipeline.reportSlow('replay', config.subscriberQueueBytes);
        if (why === 'failed') log.error('replay failed', { error: describeError(error) });
      },
    }),
  };
  // Registered before the log is read: updates published meanwhile are held, then joined without a gap.
  registry.add(subscriber);
  let replay: ReplayStart | null = null;
  if (query.lastEventId !== null) {
    try {
      replay = await resolveReplayStart(config.eventLog, query.lastEventId);
    } catch (error) {
      subscriber.feed.close();
      log.error('history read failed', { error: describeError(error) });
      return textResponse(503, 'the event log is unavailable; try again later', { 'retry-after': '5' });
    }
    metrics.replays++;
  }
  const headers: Record<string, string> = { ...hub.cors.headers(request.header('origin')) };
  if (replay !== null) {
    // [spec] 0.x "Reconciliation" / draft-08: name the id replay starts after, or `earliest` when it is
    // unknown or gone. An id is text of any script: it goes on the wire as its UTF-8 bytes, as clients send it.
    headers['last-event-id'] = encodeUtf8Header(replay.anchor);
    headers['mercure-last-event-id'] = encodeUtf8Header(replay.anchor);
  }
  return {
    kind: 'stream',
    headers,
    lastEventId: query.lastEventId ?? '',
    start: (session) => {
      // No session: the response could not be opened. The subscriber must not stay registered.
      if (session === null || subscriber.feed.state === 'closed') {
        subscriber.feed.close();
        session?.close();
        return;
      }
      openSubscriber(hub, subscriber, session);
      void subscriber.feed
        .start(session, replay, (update) => wants(subscriber, update), config.eventLog)
        .then((written) => {
          metrics.eventsDelivered += written;
        });
    },
  };
}

/** The subscriber's grants and token expiry (milliseconds since the epoch), or the refusal. */
async function subscriberGrants(
  hub: HubContext,
  request: HubRequest,
): Promise<{ grants: Grants; expiresAt: number | null } | HubResponse> {
  const auth = await requestGrants(hub, request, 'subscriber');
  if (auth.kind === 'refused') return auth.response;
  if (auth.kind === 'none') {
    if (hub.config.anonymous) return { grants: NO_GRANTS, expiresAt: null };
    return textResponse(401, 'this hub needs a subscriber token (anonymous subscribers are off)', bearerChallenge());
  }
  const { exp } = auth.claims;
  // The stream lasts as long as the token is accepted: until exp, plus the clock tolerance it was checked with.
  const expiresAt = typeof exp === 'number' ? exp * 1000 + hub.config.tokenClockToleranceMs : null;
  return { grants: auth.grants, expiresAt };
}

function openSubscriber(hub: HubContext, subscriber: Subscriber, session: Session): void {
  const { registry, metrics, log } = hub;
  metrics.subscriptionsOpened++;
  metrics.subscribers = registry.size;
  const exp = subscriber.expiresAt;
  // [spec] 0.x "Subscribers": with an `exp` claim, the hub MUST close the connection at that time.
  const cancelExpiry = exp === null ? null : atTime(exp, () => session.close());
  session.onClose(() => {
    cancelExpiry?.();
    const wasRegistered = registry.delete(subscriber);
    hub.subscriptions?.disconnected(subscriber);
    metrics.subscribers = registry.size;
    const reason = (session.signal.reason as { code?: string } | undefined)?.code;
    if (reason === 'SLOW_CLIENT' && wasRegistered) hub.pipeline.reportSlow('live', hub.config.subscriberQueueBytes);
    log.debug('subscriber left', { reason: reason ?? 'unknown' });
  });
  hub.subscriptions?.connected(subscriber);
  log.debug('subscriber joined', {
    selectors: subscriber.selectors.length,
    anonymous: subscriber.grants === NO_GRANTS,
  });
}
