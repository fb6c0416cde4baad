/**
 * `createHub(options)`: the Mercure hub as a library. It answers
 *   POST /.well-known/mercure   publish (form or JSON), authorized by a publisher JWT
 *   GET  /.well-known/mercure   subscribe (event stream), replay after Last-Event-ID, private updates
 *   QUERY /.well-known/mercure  subscribe with the parameters in a form body too (subscribe-body.ts)
 *   GET  /.well-known/oauth-protected-resource/.well-known/mercure  RFC 9728 metadata (its URL is in every 401/403)
 *   GET  /healthz               200 "ok" while the hub and its event log work; 503 when the log is down or the hub closing
 *   GET  /metrics               Prometheus text
 * through a node:http request listener (`hub.listener`) and a Fetch API handler (`hub.fetch`); other
 * paths go to handlers added with `hub.use()` (the dashboard mounts there), then 404. The routes live in
 * publish-route.ts and subscribe-route.ts; every accepted update goes through update-pipeline.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventLogError, type SessionOptions } from '@tidings/server';
import type { KeyOption } from './auth/token-options.js';
import { KeyedRateLimits } from './client-limits/keyed-rate-limits.js';
import { StreamAdmission } from './client-limits/stream-admission.js';
import { PublishError } from './errors.js';
import { hubCorsPolicy } from './http/cors.js';
import { answerFetch, type FetchInfo } from './http/http-fetch.js';
import { listenNode } from './http/http-node.js';
import { HUB_METHODS } from './http/hub-methods.js';
import { type HubAnswer, type HubRequest, type HubResponse, textResponse } from './http/hub-request.js';
import { createMetadataRoute, protectedResourceMetadataUrl } from './http/protected-resource-metadata.js';
import { withResourceMetadata } from './http/resource-metadata-challenge.js';
import type { HubContext } from './hub-context.js';
import { type HubOptions, type ResolvedHubOptions, resolveHubOptions } from './hub-options.js';
import { MAX_RATE_LIMIT_KEYS, WELL_KNOWN_EXAMPLE_KEY } from './limits.js';
import { watchLogHealth } from './log/log-health-watch.js';
import type { Update } from './log/update.js';
import { UpdatePipeline } from './log/update-pipeline.js';
import { createLogger, describeError, type Logger } from './logger.js';
import { HubMetrics } from './metrics.js';
import { checkPublishFields, isRefusal } from './publish/publish-request.js';
import { createPublishRoute } from './publish/publish-route.js';
import { QUERY_METHOD } from './subscribe/subscribe-body.js';
import { createSubscribeRoute } from './subscribe/subscribe-route.js';
import { SubscriberRegistry } from './subscribe/subscriber-registry.js';
import { ActiveSubscriptions } from './subscriptions/active-subscriptions.js';
import { createSubscriptionApi, isSubscriptionApiPath } from './subscriptions/subscription-api.js';
import type { SubscriptionDocument } from './subscriptions/subscription-document.js';

/** The hub's well-known path. [spec] 0.x "Discovery": it MUST be /.well-known/mercure. */
export const HUB_PATH = '/.well-known/mercure';

/** A handler for requests the hub does not answer itself; resolve null to pass the request on. */
export type ExtraHandler = (request: Request) => Response | null | undefined | Promise<Response | null | undefined>;

/** An update given to `hub.publish()`. */
export interface PublishInput {
  /** The canonical topic, or the canonical topic followed by alternates. */
  topics: string | readonly string[];
  data?: string;
  id?: string;
  /** The event type (`event:`; the `type` field of a Mercure publish request); default none (`message`). */
  event?: string;
  /** Reconnection delay hint in milliseconds (`retry:`). */
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
  readonly fetch: (request: Request, info?: FetchInfo) => Promise<Response>;
  /** Publishes without HTTP or token; resolves the event id. Throws a `PublishError`. */
  publish(input: PublishInput): Promise<string>;
  /** Adds a handler for paths the hub does not answer (tried in order). */
  use(handler: ExtraHandler): void;
  /** Counters and topics, for dashboards. */
  stats(): HubStats;
  /** The active subscriptions of every node (what the subscription API serves); null when the option is off. */
  activeSubscriptions(): readonly SubscriptionDocument[] | null;
  /** The /metrics text. */
  metrics(): string;
  /** Calls `listener` with every update the hub accepts; returns a remover. */
  onUpdate(listener: (update: Update) => void): () => void;
  /** The validated options. */
  readonly options: ResolvedHubOptions;
  /** Ends every stream (clients reconnect elsewhere), stops timers, closes the event log. */
  close(): Promise<void>;
  readonly closed: boolean;
}

export function createHub(options: HubOptions = {}): Hub {
  const config = resolveHubOptions(options);
  const log: Logger = createLogger(config.log === null ? 'silent' : config.logLevel, config.log ?? (() => {}));
  warnAboutKeys(options, log);
  loadRemoteKeySets(config, log);
  const cors = hubCorsPolicy(config.corsOrigins);
  const metrics = new HubMetrics();
  const registry = new SubscriberRegistry();
  const pipeline = new UpdatePipeline(config.eventLog, registry, metrics, log);
  const extraHandlers: ExtraHandler[] = [];
  const startedAt = Date.now();
  let closing = false;
  const streams = new StreamAdmission(config.maxStreamsPerClient, config.streamRatePerClient);
  const publishRates =
    config.publishRatePerToken === null
      ? null
      : new KeyedRateLimits(config.publishRatePerToken, config.publishRatePerToken, MAX_RATE_LIMIT_KEYS);
  const subscriptions =
    config.subscriptions === null
      ? null
      : new ActiveSubscriptions(config.eventLog, pipeline, log, config.subscriptions);
  const context: HubContext = {
    config,
    cors,
    metrics,
    log,
    registry,
    pipeline,
    streams,
    publishRates,
    subscriptions,
    isClosing: () => closing,
  };
  const stopHealthWatch = watchLogHealth(config.eventLog, (state, previous, error) => {
    if (state === 'down') log.warn('event log down: publishes get 503 until it is back', { error });
    else log.info(`event log ${state}`, { was: previous });
    const note =
      state === 'down'
        ? 'the hub is degraded: updates are delayed until its event log is back'
        : `the hub's event log is ${state}`;
    for (const subscriber of registry.subscribers) subscriber.feed.session?.comment(note);
  });
  const publishRoute = createPublishRoute(context);
  const subscribeRoute = createSubscribeRoute(context);
  const subscriptionApi = subscriptions === null ? null : createSubscriptionApi(context, subscriptions);
  const sessionOptions: SessionOptions = {
    keepAlive: config.heartbeat,
    maxBufferedBytes: config.subscriberQueueBytes,
    slowClient: 'disconnect',
    polling: null,
    cors: null,
  };

  /** Routes a request to the hub's own answers; null passes it on to the `use()` handlers, then 404. */
  async function answer(request: HubRequest): Promise<HubAnswer | null> {
    const path = request.url.pathname;
    if (path === HUB_PATH) {
      const origin = request.header('origin');
      if (request.method === 'GET' || request.method === QUERY_METHOD) {
        // A refusal needs the CORS headers too, or a page on an allowed origin sees a network error, not why.
        const answer = await subscribeRoute(request);
        return answer.kind === 'stream' ? answer : withCors(answer, cors.headers(origin));
      }
      if (request.method === 'POST') return withCors(await publishRoute(request), cors.headers(origin));
      if (request.method === 'OPTIONS')
        // 204 also for an origin not allowed (then with no grant): the hub's OPTIONS answer is always 204.
        return { kind: 'response', status: 204, headers: cors.preflight(origin).headers, body: '' };
      return textResponse(405, 'use GET or QUERY to subscribe, POST to publish', { allow: HUB_METHODS });
    }
    if (subscriptionApi !== null && isSubscriptionApiPath(path)) return subscriptionApi(request);
    if (metadataRoute.matches(path)) return metadataRoute.answer(request);
    if (path === '/healthz' && request.method === 'GET') return health();
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
    return metrics.render(config.eventLog.health());
  };
  /** 503 while the log cannot store updates (publishes would fail), so a balancer sends traffic elsewhere. */
  const health = (): HubResponse => {
    if (closing) return textResponse(503, 'closing');
    const { state, error } = config.eventLog.health();
    if (state === 'down') return textResponse(503, `the event log is down${error === null ? '' : `: ${error}`}`);
    return textResponse(200, state === 'up' ? 'ok' : 'ok (degraded: the event log is catching up)');
  };

  // [spec] draft-08 "Error Responses": every 401 and 403 names the protected resource metadata.
  const metadataUrl = protectedResourceMetadataUrl(config.publicUrl);
  const metadataRoute = createMetadataRoute(config, HUB_PATH);
  const answerWithMetadata = async (request: HubRequest) => withResourceMetadata(await answer(request), metadataUrl);
  const core = { answer: answerWithMetadata, sessionOptions, extraHandlers, log };

  const hub: Hub = {
    listener: listenNode(core),
    fetch: (request, info) => answerFetch(core, request, info),
    options: config,
    async publish(input) {
      if (closing) throw new PublishError('HUB_CLOSED', 503, 'the hub is closed');
      const topics = typeof input.topics === 'string' ? [input.topics] : [...(input.topics ?? [])];
      const fields = checkPublishFields({
        topics,
        data: input.data,
        id: input.id,
        event: input.event,
        retry: input.retry === undefined ? undefined : String(input.retry),
        private: input.private ?? false,
      });
      if (isRefusal(fields)) throw new PublishError('INVALID_UPDATE', fields.status, fields.reason);
      let update: Update | null;
      try {
        update = await pipeline.publish(fields);
      } catch (error) {
        if (error instanceof EventLogError && error.code === 'LOG_UNAVAILABLE')
          throw new PublishError('LOG_UNAVAILABLE', 503, 'the event log is unavailable; the update was not stored');
        throw error;
      }
      if (update === null)
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
    activeSubscriptions: () => subscriptions?.list() ?? null,
    metrics: renderMetrics,
    onUpdate: (listener) => pipeline.onUpdate(listener),
    get closed() {
      return closing;
    },
    async close() {
      if (closing) return;
      closing = true;
      // Before the feed stops: the disconnects are appended while the log is still open.
      await subscriptions?.close();
      pipeline.close();
      stopHealthWatch();
      for (const subscriber of [...registry.subscribers]) subscriber.feed.close();
      await config.eventLog.close();
    },
  };
  return hub;
}

/** Keys that work but should not be used in production: the hub says so at start (never printing them). */
function warnAboutKeys(options: HubOptions, log: Logger): void {
  for (const [name, option] of [
    ['publisherKey', options.publisherKey],
    ['subscriberKey', options.subscriberKey],
  ] as const) {
    const keys: readonly KeyOption[] = option === undefined || option === null ? [] : [option].flat();
    for (const key of keys) {
      if (key.key === WELL_KNOWN_EXAMPLE_KEY)
        log.warn(
          `${name} is the well-known example key from the Mercure docs: anyone can sign tokens with it; change it`,
        );
      else if (key.allowWeakKey === true && (key.alg ?? 'HS256').startsWith('HS'))
        log.warn(`${name} may be a weak HMAC key (allowWeakKey): tokens signed with a short key can be forged`);
    }
  }
}

/** Fetches the JWK Sets given as URLs now, so a wrong URL or a down key server shows in the log at start. */
function loadRemoteKeySets(config: ResolvedHubOptions, log: Logger): void {
  for (const set of config.remoteKeySets) {
    set.load().then(
      () => log.info('JWK Set loaded'),
      (error: Error) =>
        log.warn(`${error.message}: tokens it signs get 503 until it can be`, { error: describeError(error.cause) }),
    );
  }
}

export type HubCore = {
  answer(request: HubRequest): Promise<HubAnswer | null>;
  readonly sessionOptions: SessionOptions;
  readonly extraHandlers: readonly ExtraHandler[];
  readonly log: Logger;
};
