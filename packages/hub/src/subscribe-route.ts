/**
 * GET /.well-known/mercure: an event stream of the updates whose topics the subscriber selects (and, for
 * private ones, is granted), after a replay of the history from Last-Event-ID when one is asked for.
 */
import { formatEvent } from '@tidings/protocol';
import type { Session } from '@tidings/server';
import { type Grants, grantsFromClaims, NO_GRANTS } from './authorization.js';
import { SelectorError, TokenError } from './errors.js';
import { EARLIEST } from './event-id.js';
import type { ReadResult } from './history-store.js';
import type { HubContext } from './hub-context.js';
import { bearerChallenge, type HubAnswer, type HubRequest, type HubResponse, textResponse } from './hub-request.js';
import { verifyJwt } from './jwt.js';
import { REPLAY_PAGE_SIZE } from './limits.js';
import { readRequestToken } from './request-token.js';
import { parseSubscribeQuery } from './subscribe-request.js';
import { type Subscriber, wants } from './subscriber-registry.js';

/** Type of the in-band event that tells a replaying subscriber where replay started (see README). */
export const REPLAY_EVENT = 'tidings-replay';

export function createSubscribeRoute(hub: HubContext): (request: HubRequest) => Promise<HubAnswer> {
  return (request) => subscribe(hub, request);
}

async function subscribe(hub: HubContext, request: HubRequest): Promise<HubAnswer> {
  const { config, registry, log } = hub;
  if (hub.isClosing()) return textResponse(503, 'the hub is shutting down');
  let query: ReturnType<typeof parseSubscribeQuery>;
  try {
    query = parseSubscribeQuery(request.url, request.header('last-event-id'), config.publicUrl);
  } catch (error) {
    if (error instanceof SelectorError) return textResponse(400, error.message);
    throw error;
  }
  const auth = subscriberGrants(hub, request);
  if ('kind' in auth) return auth;
  if (registry.size >= config.maxSubscribers)
    return textResponse(429, 'too many subscribers; try again later', { 'retry-after': '5' });

  const requested = query.lastEventId;
  const subscriber: Subscriber = {
    selectors: query.selectors,
    grants: auth.grants,
    expiresAt: auth.exp,
    session: null,
    pending: requested === null ? null : [],
    pendingBytes: 0,
    mark: 0,
  };
  // Registered before history is read: live updates published meanwhile wait in `pending`.
  registry.add(subscriber);
  let first: ReadResult | null = null;
  let anchor: string | null = null;
  if (requested !== null) {
    try {
      first =
        config.historySize === 0
          ? { found: false, updates: [] }
          : await config.store.readAfter(requested === EARLIEST ? null : requested, {
              filter: (update) => wants(subscriber, update),
              limit: REPLAY_PAGE_SIZE,
            });
    } catch (error) {
      registry.delete(subscriber);
      log.error('history read failed', { error: error instanceof Error ? error.name : 'unknown' });
      return textResponse(503, 'the history store is unavailable');
    }
    // [spec] 0.x "Reconciliation" / draft-08: name the id replay starts after, or `earliest` when it is unknown or gone.
    anchor = first.found ? requested : EARLIEST;
  }
  const headers: Record<string, string> = { ...hub.cors.headers(request.header('origin')) };
  if (anchor !== null) {
    headers['last-event-id'] = anchor;
    headers['mercure-last-event-id'] = anchor;
  }
  return {
    kind: 'stream',
    headers,
    start: (session) => {
      if (session === null || !registry.subscribers.has(subscriber)) {
        registry.delete(subscriber);
        session?.close();
        return;
      }
      openSubscriber(hub, subscriber, session);
      if (first !== null) {
        replay(hub, subscriber, session, first, requested!, anchor!).catch((error) => {
          log.error('replay failed', { error: error instanceof Error ? error.name : 'unknown' });
          session.close();
        });
      }
    },
  };
}

/** The subscriber's grants and token expiry (seconds since the epoch), or the refusal. */
function subscriberGrants(hub: HubContext, request: HubRequest): { grants: Grants; exp: number | null } | HubResponse {
  const { config } = hub;
  const found = readRequestToken(request, true);
  if (found === 'malformed')
    return textResponse(
      401,
      'malformed Authorization header (expected "Bearer <token>")',
      bearerChallenge('invalid_token'),
    );
  if (found === null) {
    if (config.anonymous) return { grants: NO_GRANTS, exp: null };
    return textResponse(401, 'this hub needs a subscriber token (anonymous subscribers are off)', bearerChallenge());
  }
  if (config.subscriberKey === null)
    return textResponse(401, 'this hub accepts no subscriber tokens', bearerChallenge('invalid_token'));
  try {
    const claims = verifyJwt(found.token, config.subscriberKey);
    return {
      grants: grantsFromClaims(claims, config.publicUrl),
      exp: typeof claims.exp === 'number' ? claims.exp : null,
    };
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    hub.log.info('subscription refused: invalid token', { reason: error.code });
    return textResponse(401, 'invalid token', bearerChallenge('invalid_token'));
  }
}

function openSubscriber(hub: HubContext, subscriber: Subscriber, session: Session): void {
  const { registry, metrics, log } = hub;
  subscriber.session = session;
  metrics.subscriptionsOpened++;
  metrics.subscribers = registry.size;
  const exp = subscriber.expiresAt;
  // [spec] 0.x "Subscribers": with an `exp` claim, the hub MUST close the connection at that time.
  const expiry = exp === null ? undefined : setTimeout(() => session.close(), Math.max(0, exp * 1000 - Date.now()));
  expiry?.unref();
  session.onClose(() => {
    if (expiry !== undefined) clearTimeout(expiry);
    const wasRegistered = registry.delete(subscriber);
    metrics.subscribers = registry.size;
    const reason = (session.signal.reason as { code?: string } | undefined)?.code;
    if (reason === 'SLOW_CLIENT' && wasRegistered) hub.pipeline.reportSlow('live');
    log.debug('subscriber left', { reason: reason ?? 'unknown' });
  });
  log.debug('subscriber joined', {
    selectors: subscriber.selectors.length,
    anonymous: subscriber.grants === NO_GRANTS,
  });
}

/** Writes the history after `requested`, page by page, then joins live delivery with no gap or duplicate. */
async function replay(
  hub: HubContext,
  subscriber: Subscriber,
  session: Session,
  first: ReadResult,
  requested: string,
  anchor: string,
): Promise<void> {
  const { config, pipeline } = hub;
  if (config.replayEvent) {
    session.write(formatEvent({ event: REPLAY_EVENT, data: JSON.stringify({ lastEventId: anchor, requested }) }));
  }
  const replayed = new Set<string>();
  let page = first;
  for (;;) {
    for (const update of page.updates) {
      if (!session.connected) return;
      session.write(pipeline.bytesOf(update));
      hub.metrics.eventsDelivered++;
      replayed.add(update.id);
      // Let the client take the history in pieces rather than overflowing its queue.
      if (session.bufferedBytes > config.subscriberQueueBytes / 2) await session.whenDrained();
    }
    const last = page.updates.at(-1);
    if (page.updates.length < REPLAY_PAGE_SIZE || last === undefined) break;
    page = await config.store.readAfter(last.id, {
      filter: (update) => wants(subscriber, update),
      limit: REPLAY_PAGE_SIZE,
    });
  }
  // Join: live updates that arrived during replay and were not in it, in publish order, then live.
  const pending = subscriber.pending ?? [];
  subscriber.pending = null;
  subscriber.pendingBytes = 0;
  for (const update of pending) if (!replayed.has(update.id)) pipeline.deliver(subscriber, update);
}
