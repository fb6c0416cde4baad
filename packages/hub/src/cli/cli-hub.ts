/** `tidings hub`: runs the hub on node:http, configured by flags and environment variables. */
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { isJwtAlgorithm, JWT_ALGORITHMS, type JwtAlgorithm } from '../auth/jwt.js';
import type { KeyOption } from '../auth/token-options.js';
import { createHub, HUB_PATH } from '../create-hub.js';
import { mountDashboard } from '../dashboard/mount-dashboard.js';
import { hubCorsPolicy } from '../http/cors.js';
import { type HubOptions, hubLogLimits, resolveHubOptions } from '../hub-options.js';
import {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_HISTORY_BYTES,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_JWT_ALG,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_SUBSCRIBERS,
  DEFAULT_SUBSCRIBER_QUEUE_BYTES,
} from '../limits.js';
import { createLogger, LOG_LEVELS, type LogLevel, stdoutSink } from '../logger.js';
import { CLIENT_LIMIT_FLAGS, readClientLimitFlags } from './cli-client-limits.js';
import {
  type FlagSpec,
  type FlagValues,
  helpText,
  integerFlag,
  parseFlags,
  stringFlag,
  UsageError,
} from './cli-flags.js';
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_REQUEST_TIMEOUT_SECONDS,
  MAX_WORKERS,
  SHUTDOWN_GRACE_MS,
} from './cli-limits.js';
import { readSubscriptionFlags, SUBSCRIPTION_FLAGS } from './cli-subscriptions.js';
import { readTokenCheckFlags, TOKEN_CHECK_FLAGS } from './cli-token-checks.js';
import { openEventLog, parseStoreSpec, type StoreSpec } from './event-log-from-url.js';
import { createHubServer } from './hub-server.js';
import { readTlsConfig, TLS_FLAGS, type TlsConfig } from './tls-options.js';

const T = (name: string) => `TIDINGS_${name}`;

export const HUB_FLAGS: readonly FlagSpec[] = [
  {
    name: 'port',
    kind: 'string',
    env: [T('PORT')],
    defaultText: String(DEFAULT_PORT),
    description: 'TCP port to listen on (0 picks a free one).',
  },
  {
    name: 'host',
    kind: 'string',
    env: [T('HOST')],
    defaultText: DEFAULT_HOST,
    description: 'Interface to bind (0.0.0.0 for all).',
  },
  {
    name: 'jwt-key',
    kind: 'string',
    env: [T('JWT_KEY')],
    defaultText: 'none',
    description:
      'One key for publisher and subscriber tokens: the secret (HS*), or a PEM public key or its file (RS256, ES256).',
  },
  {
    name: 'allow-weak-key',
    kind: 'boolean',
    env: [T('ALLOW_WEAK_KEY')],
    defaultText: 'false',
    description:
      'Accept an HS* key shorter than its hash (32 bytes for HS256); for trials only: short keys are guessed from one token.',
  },
  {
    name: 'jwt-key-file',
    kind: 'string',
    env: [T('JWT_KEY_FILE')],
    defaultText: 'none',
    description: 'A file holding the key for both (a secret, or a PEM public key); instead of --jwt-key.',
  },
  {
    name: 'publisher-jwt-key',
    kind: 'string',
    env: [T('PUBLISHER_JWT_KEY'), 'MERCURE_PUBLISHER_JWT_KEY'],
    defaultText: '--jwt-key',
    description: 'Key for publisher tokens.',
  },
  {
    name: 'subscriber-jwt-key',
    kind: 'string',
    env: [T('SUBSCRIBER_JWT_KEY'), 'MERCURE_SUBSCRIBER_JWT_KEY'],
    defaultText: '--jwt-key, else the publisher key',
    description: 'Key for subscriber tokens.',
  },
  {
    name: 'jwt-alg',
    kind: 'string',
    env: [T('JWT_ALG')],
    defaultText: DEFAULT_JWT_ALG,
    description: `Token algorithm: ${JWT_ALGORITHMS.join(', ')}.`,
  },
  {
    name: 'publisher-jwt-alg',
    kind: 'string',
    env: [T('PUBLISHER_JWT_ALG'), 'MERCURE_PUBLISHER_JWT_ALG'],
    defaultText: '--jwt-alg',
    description: 'Algorithm of publisher tokens.',
  },
  {
    name: 'subscriber-jwt-alg',
    kind: 'string',
    env: [T('SUBSCRIBER_JWT_ALG'), 'MERCURE_SUBSCRIBER_JWT_ALG'],
    defaultText: '--jwt-alg',
    description: 'Algorithm of subscriber tokens.',
  },
  ...TOKEN_CHECK_FLAGS,
  ...CLIENT_LIMIT_FLAGS,
  ...SUBSCRIPTION_FLAGS,
  {
    name: 'anonymous',
    kind: 'boolean',
    env: [T('ANONYMOUS')],
    defaultText: 'false',
    description: 'Let subscribers without a token receive public updates.',
  },
  {
    name: 'cors-origins',
    kind: 'string',
    env: [T('CORS_ORIGINS')],
    defaultText: 'none',
    description:
      'Comma-separated origins allowed from browsers, e.g. https://app.example.com ("*": any, without cookies).',
  },
  {
    name: 'heartbeat',
    kind: 'string',
    env: [T('HEARTBEAT')],
    defaultText: String(DEFAULT_HEARTBEAT_MS / 1000),
    description: 'Seconds between keep-alive comments; 0 disables.',
  },
  {
    name: 'history-size',
    kind: 'string',
    env: [T('HISTORY_SIZE')],
    defaultText: String(DEFAULT_HISTORY_SIZE),
    description: 'Updates kept for Last-Event-ID replay; 0 keeps none.',
  },
  {
    name: 'history-bytes',
    kind: 'string',
    env: [T('HISTORY_BYTES')],
    defaultText: String(DEFAULT_HISTORY_BYTES),
    description: 'Bytes of updates kept for replay (the oldest are trimmed first).',
  },
  {
    name: 'history-ttl',
    kind: 'string',
    env: [T('HISTORY_TTL')],
    defaultText: 'unlimited (0)',
    description: 'Seconds an update is kept for replay; 0 means until --history-size trims it.',
  },
  {
    name: 'store',
    kind: 'string',
    env: [T('STORE')],
    defaultText: 'memory',
    description:
      'The event log: memory, sqlite:PATH (durable, one process per file) or redis://HOST:PORT[/DB][?prefix=P] (several hubs act as one).',
  },
  {
    name: 'max-body',
    kind: 'string',
    env: [T('MAX_BODY')],
    defaultText: String(DEFAULT_MAX_BODY_BYTES),
    description: 'Largest publish body in bytes (413 beyond).',
  },
  {
    name: 'subscriber-queue',
    kind: 'string',
    env: [T('SUBSCRIBER_QUEUE')],
    defaultText: String(DEFAULT_SUBSCRIBER_QUEUE_BYTES),
    description: 'Bytes queued for one subscriber before it is disconnected as slow.',
  },
  {
    name: 'max-subscribers',
    kind: 'string',
    env: [T('MAX_SUBSCRIBERS')],
    defaultText: String(DEFAULT_MAX_SUBSCRIBERS),
    description: 'Concurrent subscribers (429 beyond).',
  },
  {
    name: 'public-url',
    kind: 'string',
    env: [T('PUBLIC_URL')],
    defaultText: 'http://HOST:PORT/.well-known/mercure',
    description: "The hub's public URL (base of relative URL patterns).",
  },
  {
    name: 'log-level',
    kind: 'string',
    env: [T('LOG_LEVEL')],
    defaultText: 'info',
    description: `JSON log threshold: ${LOG_LEVELS.join(', ')}.`,
  },
  {
    name: 'request-timeout',
    kind: 'string',
    env: [T('REQUEST_TIMEOUT')],
    defaultText: String(DEFAULT_REQUEST_TIMEOUT_SECONDS),
    description: 'Seconds a client has to send a whole request (head and body); then 408. Streams are not affected.',
  },
  {
    name: 'workers',
    kind: 'string',
    env: [T('WORKERS')],
    defaultText: '1',
    description:
      'Hub processes sharing the port, one per core; more than 1 needs a redis:// store (they act as one hub).',
  },
  {
    name: 'dashboard',
    kind: 'boolean',
    env: [T('DASHBOARD')],
    defaultText: 'false',
    description: 'Serve the live dashboard at /.',
  },
  ...TLS_FLAGS,
];

export const HUB_HELP = helpText(
  'tidings hub [flags]',
  'Runs a Mercure hub: publish with POST /.well-known/mercure, subscribe with GET (Server-Sent Events).',
  HUB_FLAGS,
);

/** Everything `tidings hub` needs, checked. */
export interface HubConfig {
  port: number;
  host: string;
  dashboard: boolean;
  /** Processes that share the port (node:cluster); more than one needs a shared (Redis) store. */
  workers: number;
  /** Seconds a client has to send a whole request. */
  requestTimeoutSeconds: number;
  /** HTTPS with HTTP/2 and HTTP/1.1 (--cert/--key or --dev-cert); null: plain HTTP/1.1. */
  tls: TlsConfig | null;
  store: StoreSpec;
  publicUrl: string | undefined;
  options: HubOptions;
}

function algorithm(values: FlagValues, name: string, fallback: JwtAlgorithm): JwtAlgorithm {
  const value = stringFlag(values, name);
  if (value === undefined) return fallback;
  if (!isJwtAlgorithm(value))
    throw new UsageError(`--${name} must be one of ${JWT_ALGORITHMS.join(', ')}, got "${value}"`);
  return value;
}

/** A key flag's value: PEM text (with literal "\n" allowed, as env files write it), a PEM file path, or a secret. */
function keyMaterial(value: string, alg: JwtAlgorithm, flag: string, weak: boolean, issuer?: string): KeyOption {
  const bound = issuer === undefined ? {} : { issuer };
  if (alg.startsWith('HS')) return { key: value, alg, allowWeakKey: weak, ...bound };
  let pem = value.replace(/\\n/g, '\n');
  if (!pem.includes('-----BEGIN')) {
    if (!existsSync(pem)) throw new UsageError(`--${flag}: ${alg} needs a PEM public key or the path of a PEM file`);
    pem = readFileSync(pem, 'utf8');
  }
  return { key: pem, alg, ...bound };
}

/** The --jwt-key value, or the content of --jwt-key-file (without the trailing newline editors add). */
function sharedKey(values: FlagValues): string | undefined {
  const value = stringFlag(values, 'jwt-key');
  const file = stringFlag(values, 'jwt-key-file');
  if (file === undefined) return value;
  if (value !== undefined) throw new UsageError('give either --jwt-key or --jwt-key-file, not both');
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new UsageError(`--jwt-key-file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Reads and checks the flags; throws UsageError (exit 2) for anything wrong. */
export function readHubConfig(argv: readonly string[], env: NodeJS.ProcessEnv): HubConfig | 'help' {
  const { values, help } = parseFlags(argv, HUB_FLAGS, env);
  if (help) return 'help';
  const alg = algorithm(values, 'jwt-alg', DEFAULT_JWT_ALG);
  const publisherAlg = algorithm(values, 'publisher-jwt-alg', alg);
  const subscriberAlg = algorithm(values, 'subscriber-jwt-alg', alg);
  const shared = sharedKey(values);
  const weak = values.get('allow-weak-key') === true;
  const publisherValue = stringFlag(values, 'publisher-jwt-key') ?? shared;
  const subscriberValue = stringFlag(values, 'subscriber-jwt-key') ?? shared ?? publisherValue;
  const tokenChecks = readTokenCheckFlags(values);
  const issuer = tokenChecks.issuer;
  const logLevel = stringFlag(values, 'log-level') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel as LogLevel))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  const cors = (stringFlag(values, 'cors-origins') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of cors) {
    try {
      hubCorsPolicy([origin]); // the library's own check, so flag and option accept the same origins
    } catch {
      throw new UsageError(
        `--cors-origins: "${origin}" is not an origin as browsers send it (scheme://host[:port], lower case, no path), nor "*"`,
      );
    }
  }
  // Flags are in seconds, 0 turning a feature off (Mercure's habit); the library takes milliseconds and null.
  const heartbeat = integerFlag(values, 'heartbeat', DEFAULT_HEARTBEAT_MS / 1000, 0, 86_400);
  const historySize = integerFlag(values, 'history-size', DEFAULT_HISTORY_SIZE, 0, 10 ** 8);
  const historyBytes = integerFlag(values, 'history-bytes', DEFAULT_HISTORY_BYTES, 1, 2 ** 42);
  const ttl = integerFlag(values, 'history-ttl', 0, 0, 10 ** 9);
  const publicUrl = stringFlag(values, 'public-url');
  if (publicUrl !== undefined && !URL.canParse(publicUrl)) throw new UsageError('--public-url must be an absolute URL');
  const options: HubOptions = {
    anonymous: values.get('anonymous') === true,
    corsOrigins: cors,
    heartbeat: heartbeat === 0 ? null : heartbeat * 1000,
    history:
      historySize === 0 ? null : { size: historySize, maxBytes: historyBytes, maxAge: ttl === 0 ? null : ttl * 1000 },
    maxBody: integerFlag(values, 'max-body', DEFAULT_MAX_BODY_BYTES, 1, 2 ** 31),
    subscriberQueueBytes: integerFlag(values, 'subscriber-queue', DEFAULT_SUBSCRIBER_QUEUE_BYTES, 1024, 2 ** 31),
    maxSubscribers: integerFlag(values, 'max-subscribers', DEFAULT_MAX_SUBSCRIBERS, 1, 10 ** 7),
    logLevel: logLevel as LogLevel,
    publisherKey:
      publisherValue === undefined
        ? null
        : keyMaterial(publisherValue, publisherAlg, 'publisher-jwt-key', weak, issuer),
    subscriberKey:
      subscriberValue === undefined
        ? null
        : keyMaterial(subscriberValue, subscriberAlg, 'subscriber-jwt-key', weak, issuer),
    ...tokenChecks.options,
    ...readClientLimitFlags(values),
    ...readSubscriptionFlags(values),
  };
  const config: HubConfig = {
    port: integerFlag(values, 'port', DEFAULT_PORT, 0, 65_535),
    host: stringFlag(values, 'host') ?? DEFAULT_HOST,
    dashboard: values.get('dashboard') === true,
    workers: integerFlag(values, 'workers', 1, 1, MAX_WORKERS),
    requestTimeoutSeconds: integerFlag(values, 'request-timeout', DEFAULT_REQUEST_TIMEOUT_SECONDS, 1, 3_600),
    tls: null,
    store: { kind: 'memory' },
    publicUrl,
    options,
  };
  config.tls = readTlsConfig(values, config.workers);
  // Check everything once here so bad keys or a bad store stop the start with exit code 2.
  try {
    config.store = parseStoreSpec(stringFlag(values, 'store') ?? 'memory');
    if (config.workers > 1 && config.store.kind !== 'redis') {
      throw new UsageError(
        `--workers ${config.workers} needs --store redis://…: every worker must share one event log (memory is per process, a SQLite file takes one process)`,
      );
    }
    resolveHubOptions({ ...options, log: null });
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
  return config;
}

/** Starts the hub; resolves once it listens. SIGTERM and SIGINT stop it gracefully (exit 0). */
export async function runHub(config: HubConfig): Promise<void> {
  const log = createLogger(config.options.logLevel ?? 'info', stdoutSink);
  const hubServer = createHubServer({ tls: config.tls, requestTimeoutMs: config.requestTimeoutSeconds * 1000, log });
  const { server } = hubServer;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${hubServer.scheme}://${host}:${port}`;
  const { history, ...options } = config.options;
  const eventLog = await openEventLog(config.store, hubLogLimits(history));
  const hub = createHub({ ...options, eventLog, publicUrl: config.publicUrl ?? `${url}${HUB_PATH}` });
  server.on('request', hub.listener);
  if (hub.options.publisherTokens === null)
    log.warn('no publisher key: every publish gets 401 (set --jwt-key or --publisher-jwt-key)');
  if (hub.options.subscriberTokens === null && !hub.options.anonymous) {
    log.warn('no subscriber key and --anonymous is off: every subscription gets 401');
  }
  // The dashboard mounts its pages with hub.use(); its timer stops before the hub closes.
  const dashboard = config.dashboard ? mountDashboard(hub) : null;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal, subscribers: hub.stats().subscribers });
    // Stop accepting, end every stream (clients reconnect to another hub), then let open requests finish.
    hubServer.close(() => {
      log.info('stopped');
      process.exit(0);
    });
    dashboard?.close();
    await hub.close();
    hubServer.closeIdle();
    setTimeout(() => {
      hubServer.closeAll();
      process.exit(0);
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // Only now: whoever waits for this line may send SIGTERM at once, and without a handler the process
  // would be killed outright instead of stopping cleanly.
  log.info('listening', {
    url,
    hub: `${url}${HUB_PATH}`,
    store: config.store.kind,
    anonymous: config.options.anonymous === true,
    dashboard: config.dashboard,
  });
}
