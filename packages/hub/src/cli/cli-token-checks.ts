/**
 * The hub's flags for how tokens are checked beyond their key: JWK Sets (a URL, fetched and cached, as
 * Mercure's `publisher_jwks_url`; or a file, which may also hold shared secrets with `kid`s for rotation),
 * the issuer and audience tokens must name, and the clock leeway.
 */
import { readFileSync } from 'node:fs';
import type { JwksOption, TokenOptions } from '../auth/token-options.js';
import { type FlagSpec, type FlagValues, integerFlag, stringFlag, UsageError } from './cli-flags.js';
import { MAX_JWT_LEEWAY_SECONDS } from './cli-limits.js';

const JWKS_HELP = 'a URL (fetched, cached, fetched again for a new kid) or a JSON file';

export const TOKEN_CHECK_FLAGS: readonly FlagSpec[] = [
  {
    name: 'jwks',
    kind: 'string',
    env: ['TIDINGS_JWKS'],
    defaultText: 'none',
    description: `A JWK Set whose keys verify publisher and subscriber tokens: ${JWKS_HELP}.`,
  },
  {
    name: 'publisher-jwks',
    kind: 'string',
    env: ['TIDINGS_PUBLISHER_JWKS'],
    defaultText: '--jwks',
    description: 'A JWK Set for publisher tokens only.',
  },
  {
    name: 'subscriber-jwks',
    kind: 'string',
    env: ['TIDINGS_SUBSCRIBER_JWKS'],
    defaultText: '--jwks',
    description: 'A JWK Set for subscriber tokens only.',
  },
  {
    name: 'jwt-issuer',
    kind: 'string',
    env: ['TIDINGS_JWT_ISSUER'],
    defaultText: 'not checked',
    description: 'The iss every token must carry (the issuer of the keys and JWK Sets above).',
  },
  {
    name: 'jwt-audience',
    kind: 'string',
    env: ['TIDINGS_JWT_AUDIENCE'],
    defaultText: 'not checked',
    description: "This hub's identifier, which every token's aud must name (e.g. its public URL).",
  },
  {
    name: 'jwt-leeway',
    kind: 'string',
    env: ['TIDINGS_JWT_LEEWAY'],
    defaultText: '0',
    description: 'Seconds of clock difference tolerated on exp and nbf.',
  },
];

/** A --jwks value: an http(s) URL stays a URL; anything else is a file holding the set's JSON. */
function jwksOption(flag: string, value: string | undefined, issuer: string | undefined): JwksOption | undefined {
  if (value === undefined) return undefined;
  const withIssuer = (jwks: JwksOption['jwks']): JwksOption => (issuer === undefined ? { jwks } : { jwks, issuer });
  if (/^https?:\/\//i.test(value)) return withIssuer(value);
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch (error) {
    throw new UsageError(`--${flag}: cannot read ${value} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return withIssuer(JSON.parse(text));
  } catch {
    throw new UsageError(`--${flag}: ${value} is not JSON (a JWK Set is {"keys": [...]})`);
  }
}

/** The token-check options the flags give; `issuer` is also what --jwt-key's keys must be bound to. */
export function readTokenCheckFlags(values: FlagValues): { options: TokenOptions; issuer: string | undefined } {
  const issuer = stringFlag(values, 'jwt-issuer');
  const shared = stringFlag(values, 'jwks');
  const publisherJwks = jwksOption('publisher-jwks', stringFlag(values, 'publisher-jwks') ?? shared, issuer);
  const subscriberJwks = jwksOption('subscriber-jwks', stringFlag(values, 'subscriber-jwks') ?? shared, issuer);
  const audience = stringFlag(values, 'jwt-audience');
  const options: TokenOptions = {
    tokenClockTolerance: integerFlag(values, 'jwt-leeway', 0, 0, MAX_JWT_LEEWAY_SECONDS) * 1000,
    ...(audience !== undefined && { tokenAudience: audience }),
    ...(publisherJwks !== undefined && { publisherJwks }),
    ...(subscriberJwks !== undefined && { subscriberJwks }),
  };
  return { options, issuer };
}
