/**
 * The hub's CORS grants, expressed as @tidings/server CorsOptions (one CORS implementation for both):
 * listed origins are echoed back with `Access-Control-Allow-Credentials: true`, so browsers may send the
 * `mercureAuthorization` cookie (EventSource `withCredentials`); `*` in the list allows every other
 * origin without credentials: draft-08 forbids the wildcard, and forbids reflecting arbitrary origins, on
 * credentialed requests.
 */
import { type CorsPolicy, createCorsPolicy, DEFAULT_CORS_MAX_AGE_MS } from '@tidings/server';
import { HUB_METHODS } from './hub-methods.js';

/** No origin listed: no CORS headers at all (not even `Vary`). */
const NO_CORS: CorsPolicy = {
  headers: () => ({}),
  preflight: () => ({ status: 403, headers: {} }),
  listed: () => false,
};

/**
 * The policy for `corsOrigins`. Throws the server's TypeError for an entry that is not an origin as
 * browsers send it (`https://app.example`), nor `*`: the one origin check of the library and the CLI.
 */
export function hubCorsPolicy(origins: readonly string[]): CorsPolicy {
  if (origins.length === 0) return NO_CORS;
  return createCorsPolicy({
    origins,
    credentials: true,
    methods: HUB_METHODS.split(', '),
    // Last-Event-ID and Cache-Control are always allowed (EventSource polyfills send them).
    allowHeaders: ['Authorization', 'Content-Type'],
    exposeHeaders: ['Last-Event-ID', 'Mercure-Last-Event-ID'],
    maxAge: DEFAULT_CORS_MAX_AGE_MS,
  });
}
