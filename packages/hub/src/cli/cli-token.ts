/** `tidings token`: prints a signed JWT with Mercure claims, for development. */
import { readFileSync } from 'node:fs';
import { createSigningKey, isJwtAlgorithm, JWT_ALGORITHMS, signJwt } from '../auth/jwt.js';
import { DEFAULT_JWT_ALG } from '../limits.js';
import { type FlagSpec, helpText, integerFlag, listFlag, parseFlags, stringFlag, UsageError } from './cli-flags.js';
import { DEFAULT_TOKEN_TTL_SECONDS } from './cli-limits.js';

export const TOKEN_FLAGS: readonly FlagSpec[] = [
  {
    name: 'key',
    kind: 'string',
    env: ['TIDINGS_JWT_KEY'],
    defaultText: 'none (required)',
    description: 'The secret (HS*), or a PEM private key or its file (RS256, ES256).',
  },
  {
    name: 'alg',
    kind: 'string',
    env: ['TIDINGS_JWT_ALG'],
    defaultText: DEFAULT_JWT_ALG,
    description: `Algorithm: ${JWT_ALGORITHMS.join(', ')}.`,
  },
  {
    name: 'publish',
    kind: 'list',
    defaultText: 'none',
    description: 'A topic selector the token may publish to (repeatable; "*" for all).',
  },
  {
    name: 'subscribe',
    kind: 'list',
    defaultText: 'none',
    description: 'A topic selector whose private updates the token may receive (repeatable).',
  },
  {
    name: 'ttl',
    kind: 'string',
    defaultText: String(DEFAULT_TOKEN_TTL_SECONDS),
    description: 'Seconds until the token expires; 0 for no exp claim.',
  },
];

export const TOKEN_HELP = helpText(
  'tidings token --key K (--publish SEL | --subscribe SEL)... [--ttl S]',
  'Prints a JWT carrying the Mercure claims mercure.publish and mercure.subscribe (for development); give at least one of them.',
  TOKEN_FLAGS,
);

/** The token text, or 'help'. Throws UsageError for bad flags. */
export function makeToken(argv: readonly string[], env: NodeJS.ProcessEnv, now = Date.now()): string | 'help' {
  const { values, help } = parseFlags(argv, TOKEN_FLAGS, env);
  if (help) return 'help';
  const key = stringFlag(values, 'key');
  if (key === undefined) throw new UsageError('--key is required (or TIDINGS_JWT_KEY)');
  const alg = stringFlag(values, 'alg') ?? DEFAULT_JWT_ALG;
  if (!isJwtAlgorithm(alg)) throw new UsageError(`--alg must be one of ${JWT_ALGORITHMS.join(', ')}, got "${alg}"`);
  const ttl = integerFlag(values, 'ttl', DEFAULT_TOKEN_TTL_SECONDS, 0, 10 ** 9);
  let material = key;
  if (!alg.startsWith('HS') && !key.includes('-----BEGIN')) {
    try {
      material = readFileSync(key, 'utf8');
    } catch {
      throw new UsageError(`--key: ${alg} needs a PEM private key or the path of a PEM file`);
    }
  }
  let signingKey: ReturnType<typeof createSigningKey>;
  try {
    signingKey = createSigningKey(alg, material.replace(/\\n/g, '\n'));
  } catch (error) {
    throw new UsageError(`--key: ${(error as Error).message}`);
  }
  const mercure: Record<string, string[]> = {};
  const publish = listFlag(values, 'publish');
  const subscribe = listFlag(values, 'subscribe');
  // A token without grants is accepted by the hub and then refused everything (403, no private update):
  // almost always a forgotten flag, so say which ones instead of printing a useless token.
  if (publish.length === 0 && subscribe.length === 0)
    throw new UsageError(
      "the token would grant nothing: add --publish SEL (for example --publish '*') and/or --subscribe SEL",
    );
  if (publish.length > 0) mercure.publish = publish;
  if (subscribe.length > 0) mercure.subscribe = subscribe;
  const iat = Math.floor(now / 1000);
  return signJwt({ mercure, iat, ...(ttl > 0 && { exp: iat + ttl }) }, signingKey);
}
