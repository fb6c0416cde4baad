/**
 * `createHub(options)`: the Mercure hub as a library. It answers
 *   POST /.well-known/mercure   publish (form or JSON), authorized by a publisher JWT
 *   GET  /.well-known/mercure   subscribe (event stream), replay after Last-Event-ID, private updates
 *   GET  /healthz               200 "ok" while the hub runs, 503 once it is closing
 *   GET  /metrics               Prometheus text
 * through a node:http request listener (`hub.listener`) and a Fetch API handler (`hub.fetch`); other
 * paths go to handlers added with `hub.use()` (the dashboard mounts there), then 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeEvent, formatEvent } from '@tidings/protocol';
import type { Session, SessionOptions } from '@tidings/server';
import { canPublish, type Grants, grantsFromClaims, NO_GRANTS } from './authorization.js';
import { createCorsPolicy } from './cors.js';
import { PublishError, SelectorError, TokenError } from './errors.js';
import { EARLIEST, generateEventId } from './event-id.js';
import type { ReadResult } from './history-store.js';
import { answerFetch } from './http-fetch.js';
import { listenNode } from './http-node.js';
import { type HubOptions, type ResolvedHubOptions, resolveHubOptions } from './hub-options.js';
import { type HubAnswer, type HubRequest, type HubResponse, TEXT, textResponse } from './hub-request.js';
import { verifyJwt } from './jwt.js';
import { HISTORY_TRIM_INTERVAL_SECONDS, REPLAY_PAGE_SIZE } from './limits.js';
import { createLogger, type Logger } from './logger.js';
import { HubMetrics } from './metrics.js';
import { checkPublishFields, isRefusal, type PublishFields, parsePublishBody } from './publish-request.js';
import { readRequestToken } from './request-token.js';
import { parseSubscribeQuery } from './subscribe-request.js';
import { type Subscriber, SubscriberRegistry, wants } from './subscriber-registry.js';
import type { Update } from './update.js';

/** The hub's well-known path. [spec] 0.x "Discovery": it MUST be /.well-known/mercure. */
export const HUB_PATH = '/.well-known/mercure';
/** Type of the in-band event that tells a replaying subscriber where replay started (see README). */
export const REPLAY_EVENT = 'tidings-replay';

/** A handler for requests the hub does not answer itself; resolve null to pass the request on. */
export type ExtraHandler = (request: Request) => Response | null | undefined | Promise<Response | null | undefined>;

/** An update given to `hub.publish()`. */
export interface PublishInput {
  /** The canonical topic, or the canonical topic followed by alternates. */
  topics: string | readonly string[];
  data?: string;
  id?: string;
  type?: string;
  retry?: number;
  private?: boolean;
}

/** A snapshot for dashboards. */
export interface HubStats {
  subscribers: number;
  /** Selectors in use, with how many subscribers use each, most used first. */
  topics: { selector: string; subscribers: number }[];
  updatesPublished: number;
  eventsDelivered: number;
  slowDisconnects: number;
  /** When the hub was created, in milliseconds since the epoch. */
  startedAt: number;
}

export interface Hub {
  /** node:http request listener (also fits Express/Connect as a final handler). */
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** Fetch API handler (Hono, Bun, Deno, workers). */
  readonly fetch: (request: Request) => Promise<Response>;
  /** Publishes without HTTP or token; resolves the event id. Throws a `PublishError`. */
  publish(input: PublishInput): Promise<string>;
  /** Adds a handler for paths the hub does not answer (tried in order). */
  use(handler: ExtraHandler): void;
  /** Counters and topics, for dashboards. */
  stats(): HubStats;
  /** The /metrics text. */
  metrics(): string;
  /** Calls `listener` with every update the hub accepts; returns a remover. */
  onUpdate(listener: (update: Update) => void): () => void;
  /** The validated options. */
  readonly options: ResolvedHubOptions;
  /** Ends every stream (clients reconnect elsewhere), stops timers, closes the store. */
  close(): Promise<void>;
  readonly closed: boolean;
}

function bearerChallenge(error?: string): Record<string, string> {
  return { 'www-authenticate': error ? `Bearer error="${error}"` : 'Bearer' };
}

export function createHub(options: HubOptions = {}): Hub {
  const config = resolveHubOptions(options);
  const { store } = config;
  const log: Logger = createLogger(config.log === null ? 'silent' : config.logLevel, config.log ?? (() => {}));
  const cors = createCorsPolicy(config.corsOrigins);
  const metrics = new HubMetrics();
  const registry = new SubscriberRegistry();
  const extraHandlers: ExtraHandler[] = [];
  const updateListeners = new Set<(update: Update) => void>();
  /** Each update's event bytes, encoded once for every subscriber and every replay. */
  const encoded = new WeakMap<Update, Uint8Array>();
  const startedAt = Date.now();
  let closing = false;
  /** Publishes run one after another, so store order, live order and replay order are the same. */
  let tail: Promise<unknown> = Promise.resolve();
  const sessionOptions: SessionOptions = {
    keepAlive: config.heartbeatSeconds,
    maxBufferedBytes: config.subscriberQueueBytes,
    slowClient: 'disconnect',
    polling: null,
    cors: null,
  };

  const bytesOf = (update: Update): Uint8Array => {
    let bytes = encoded.get(update);
    if (bytes === undefined) {
      // [spec] each event carries id, event (when typed), retry (when given) and the data split into lines.
      const fields = { id: update.id, data: update.data, ...(update.type !== undefined && { event: update.type }) };
      bytes = encodeEvent(update.retry === undefined ? fields : { ...fields, retry: update.retry });
      encoded.set(update, bytes);
    }
    return bytes;
  };

  const dropSlow = (subscriber: Subscriber, where: string) => {
    metrics.slowDisconnects++;
    log.warn('slow subscriber disconnected', { where, queueBytes: config.subscriberQueueBytes });
    subscriber.session?.close();
    registry.delete(subscriber);
  };

  const deliver = (subscriber: Subscriber, update: Update) => {
    if (subscriber.pending !== null) {
      // Replay still runs: hold live updates so they follow the replayed ones without a gap.
      subscriber.pending.push(update);
      subscriber.pendingBytes += bytesOf(update).byteLength;
      if (subscriber.pendingBytes > config.subscriberQueueBytes) dropSlow(subscriber, 'replay');
      return;
    }
    subscriber.session?.write(bytesOf(update));
    metrics.eventsDelivered++;
  };

  const commit = (update: Update): Promise<boolean> => {
    const result = tail.then(async () => {
      if (config.historySize > 0) {
        if (!(await store.append(update))) return false;
        await store.trim({ maxCount: config.historySize });
      }
      metrics.updatesPublished++;
      registry.dispatch(update, (subscriber) => deliver(subscriber, update));
      for (const listener of updateListeners) listener(update);
      return true;
    });
    tail = result.catch(() => {});
    return result;
  };

  const trimTimer =
    config.historyTtlMs === null
      ? undefined
      : setInterval(() => {
          const olderThan = Date.now() - config.historyTtlMs!;
          tail = tail
            .then(() => store.trim({ olderThan }))
            .catch((error) => log.error('history trim failed', { error: String(error) }));
        }, HISTORY_TRIM_INTERVAL_SECONDS * 1000);
  trimTimer?.unref();

  const makeUpdate = (fields: PublishFields): Update => ({
    id: fields.id ?? generateEventId(),
    topics: fields.topics,
    data: fields.data,
    private: fields.private,
    publishedAt: Date.now(),
    ...(fields.type !== undefined && { type: fields.type }),
    ...(fields.retry !== undefined && { retry: fields.retry }),
  });

  // ---- publish over HTTP ----

  async function publishOverHttp(request: HubRequest): Promise<HubResponse> {
    if (closing) return textResponse(503, 'the hub is shutting down');
    const found = readRequestToken(request, false);
    if (found === null)
      return textResponse(
        401,
        'missing token (Authorization: Bearer, or the mercureAuthorization cookie)',
        bearerChallenge(),
      );
    if (found === 'malformed')
      return textResponse(
        401,
        'malformed Authorization header (expected "Bearer <token>")',
        bearerChallenge('invalid_token'),
      );
    if (config.publisherKey === null)
      return textResponse(
        401,
        'publishing is disabled: the hub has no publisher key',
        bearerChallenge('invalid_token'),
      );
    let grants: Grants;
    try {
      grants = grantsFromClaims(verifyJwt(found.token, config.publisherKey), config.publicUrl);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      log.info('publish refused: invalid token', { reason: error.code });
      // [spec] draft-08 "Error Responses": one answer for every token failure, so it does not say which check failed.
      return textResponse(401, 'invalid token', bearerChallenge('invalid_token'));
    }
    if (found.source === 'cookie') {
      // [spec] 0.x "Security Considerations": a cookie is sent by the browser on its own, so check where the request came from (CSRF).
      const origin = request.header('origin') ?? originOf(request.header('referer'));
      if (origin === undefined || (origin !== request.url.origin && !cors.allows(origin))) {
        return textResponse(
          403,
          'cookie-authorized publishing needs an Origin from the hub itself or the CORS allowlist',
        );
      }
    }
    const body = await request.readBody(config.maxBody);
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
    const update = makeUpdate(fields);
    if (!(await commit(update))) return textResponse(409, 'an update with this id is already in the history');
    log.debug('published', { id: update.id, topics: update.topics.length, private: update.private });
    // [spec] 0.x "Publication": the body of the answer is the update's id.
    return { kind: 'response', status: 200, headers: { 'content-type': TEXT }, body: update.id };
  }

  async function publishRoute(request: HubRequest): Promise<HubResponse> {
    const started = performance.now();
    let response: HubResponse;
    try {
      response = await publishOverHttp(request);
    } catch (error) {
      log.error('publish failed', { error: error instanceof Error ? error.name : 'unknown' });
      response = textResponse(503, 'the history store is unavailable');
    }
    if (response.status === 200) metrics.observePublish((performance.now() - started) / 1000);
    else metrics.rejectPublish(response.status);
    return response;
  }

  // ---- subscribe ----

  /** The subscriber's grants and token expiry (seconds since the epoch), or the refusal. */
  function subscriberGrants(request: HubRequest): { grants: Grants; exp: number | null } | HubResponse {
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
      log.info('subscription refused: invalid token', { reason: error.code });
      return textResponse(401, 'invalid token', bearerChallenge('invalid_token'));
    }
  }

  async function subscribeRoute(request: HubRequest): Promise<HubAnswer> {
    if (closing) return textResponse(503, 'the hub is shutting down');
    let query: ReturnType<typeof parseSubscribeQuery>;
    try {
      query = parseSubscribeQuery(request.url, request.header('last-event-id'), config.publicUrl);
    } catch (error) {
      if (error instanceof SelectorError) return textResponse(400, error.message);
      throw error;
    }
    const auth = subscriberGrants(request);
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
    const filter = (update: Update) => wants(subscriber, update);
    let first: ReadResult | null = null;
    let anchor: string | null = null;
    if (requested !== null) {
      try {
        first =
          config.historySize === 0
            ? { found: false, updates: [] }
            : await store.readAfter(requested === EARLIEST ? null : requested, { filter, limit: REPLAY_PAGE_SIZE });
      } catch (error) {
        registry.delete(subscriber);
        log.error('history read failed', { error: error instanceof Error ? error.name : 'unknown' });
        return textResponse(503, 'the history store is unavailable');
      }
      // [spec] 0.x "Reconciliation" / draft-08: name the id replay starts after, or `earliest` when it is unknown or gone.
      anchor = first.found ? requested : EARLIEST;
    }
    const headers: Record<string, string> = { ...cors.headers(request.header('origin')) };
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
        openSubscriber(subscriber, session);
        if (first !== null) {
          replay(subscriber, session, first, requested!, anchor!).catch((error) => {
            log.error('replay failed', { error: error instanceof Error ? error.name : 'unknown' });
            session.close();
          });
        }
      },
    };
  }

  function openSubscriber(subscriber: Subscriber, session: Session): void {
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
      if (reason === 'SLOW_CLIENT' && wasRegistered) {
        metrics.slowDisconnects++;
        log.warn('slow subscriber disconnected', { where: 'live', queueBytes: config.subscriberQueueBytes });
      }
      log.debug('subscriber left', { reason: reason ?? 'unknown' });
    });
    log.debug('subscriber joined', {
      selectors: subscriber.selectors.length,
      anonymous: subscriber.grants === NO_GRANTS,
    });
  }

  async function replay(
    subscriber: Subscriber,
    session: Session,
    first: ReadResult,
    requested: string,
    anchor: string,
  ) {
    if (config.replayEvent) {
      session.write(formatEvent({ event: REPLAY_EVENT, data: JSON.stringify({ lastEventId: anchor, requested }) }));
    }
    const replayed = new Set<string>();
    let page = first;
    for (;;) {
      for (const update of page.updates) {
        if (!session.connected) return;
        session.write(bytesOf(update));
        metrics.eventsDelivered++;
        replayed.add(update.id);
        // Let the client take the history in pieces rather than overflowing its queue.
        if (session.bufferedBytes > config.subscriberQueueBytes / 2) await session.whenDrained();
      }
      const last = page.updates.at(-1);
      if (page.updates.length < REPLAY_PAGE_SIZE || last === undefined) break;
      page = await store.readAfter(last.id, { filter: (update) => wants(subscriber, update), limit: REPLAY_PAGE_SIZE });
    }
    // Join: live updates that arrived during replay and were not in it, in publish order, then live.
    const pending = subscriber.pending ?? [];
    subscriber.pending = null;
    subscriber.pendingBytes = 0;
    for (const update of pending) if (!replayed.has(update.id)) deliver(subscriber, update);
  }

  // ---- routing ----

  async function answer(request: HubRequest): Promise<HubAnswer | null> {
    const path = request.url.pathname;
    if (path === HUB_PATH) {
      const origin = request.header('origin');
      if (request.method === 'GET') return subscribeRoute(request);
      if (request.method === 'POST') return withCors(await publishRoute(request), cors.headers(origin));
      if (request.method === 'OPTIONS')
        return { kind: 'response', status: 204, headers: cors.preflight(origin), body: '' };
      return textResponse(405, 'use GET to subscribe or POST to publish', { allow: 'GET, POST, OPTIONS' });
    }
    if (path === '/healthz' && request.method === 'GET')
      return closing ? textResponse(503, 'closing') : textResponse(200, 'ok');
    if (path === '/metrics' && request.method === 'GET') {
      return {
        kind: 'response',
        status: 200,
        headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
        body: renderMetrics(),
      };
    }
    return null;
  }

  const withCors = (response: HubResponse, headers: Record<string, string>): HubResponse => ({
    ...response,
    headers: { ...headers, ...response.headers },
  });
  const renderMetrics = () => {
    metrics.subscribers = registry.size;
    return metrics.render(null);
  };

  const core = { answer, sessionOptions, extraHandlers, log };

  const hub: Hub = {
    listener: listenNode(core),
    fetch: (request) => answerFetch(core, request),
    options: config,
    async publish(input) {
      if (closing) throw new PublishError('HUB_CLOSED', 503, 'the hub is closed');
      const topics = typeof input.topics === 'string' ? [input.topics] : [...(input.topics ?? [])];
      const fields = checkPublishFields({
        topics,
        data: input.data,
        id: input.id,
        type: input.type,
        retry: input.retry === undefined ? undefined : String(input.retry),
        private: input.private ?? false,
      });
      if (isRefusal(fields)) throw new PublishError('INVALID_UPDATE', fields.status, fields.reason);
      const update = makeUpdate(fields);
      if (!(await commit(update)))
        throw new PublishError('DUPLICATE_ID', 409, 'an update with this id is already in the history');
      return update.id;
    },
    use(handler) {
      if (typeof handler !== 'function')
        throw new TypeError('hub.use needs a function (request: Request) => Response | null');
      extraHandlers.push(handler);
    },
    stats: () => ({
      subscribers: registry.size,
      topics: registry.selectorCounts(),
      updatesPublished: metrics.updatesPublished,
      eventsDelivered: metrics.eventsDelivered,
      slowDisconnects: metrics.slowDisconnects,
      startedAt,
    }),
    metrics: renderMetrics,
    onUpdate(listener) {
      updateListeners.add(listener);
      return () => updateListeners.delete(listener);
    },
    get closed() {
      return closing;
    },
    async close() {
      if (closing) return;
      closing = true;
      if (trimTimer !== undefined) clearInterval(trimTimer);
      for (const subscriber of [...registry.subscribers]) {
        subscriber.session?.close();
        registry.delete(subscriber);
      }
      await tail;
      await store.close();
    },
  };
  return hub;
}

function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export type HubCore = {
  answer(request: HubRequest): Promise<HubAnswer | null>;
  readonly sessionOptions: SessionOptions;
  readonly extraHandlers: readonly ExtraHandler[];
  readonly log: Logger;
};
