/**
 * CORS for the hub's endpoints, from an explicit allowlist. Listed origins are echoed back with
 * `Access-Control-Allow-Credentials: true`, so browsers may send the `mercureAuthorization` cookie
 * (EventSource `withCredentials`). `*` in the list allows every origin without credentials: draft-08
 * forbids the wildcard, and forbids reflecting arbitrary origins, on credentialed requests.
 */
import { HUB_METHODS } from './hub-methods.js';
import { CORS_MAX_AGE_SECONDS } from './limits.js';

export interface CorsPolicy {
  /** Headers for a response to a request from `origin` (empty when it is not allowed). */
  headers(origin: string | undefined): Record<string, string>;
  /** Headers for a preflight (OPTIONS) from `origin`. */
  preflight(origin: string | undefined): Record<string, string>;
  /** True when `origin` is on the allowlist (for the cookie CSRF check). */
  allows(origin: string): boolean;
}

const EXPOSED = 'Last-Event-ID, Mercure-Last-Event-ID';
const ALLOWED_HEADERS = 'Authorization, Cache-Control, Content-Type, Last-Event-ID';

export function createCorsPolicy(origins: readonly string[]): CorsPolicy {
  const listed = new Set(origins.filter((origin) => origin !== '*'));
  const wildcard = origins.includes('*');
  const headers = (origin: string | undefined): Record<string, string> => {
    if (origin !== undefined && listed.has(origin)) {
      return {
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': EXPOSED,
        vary: 'Origin',
      };
    }
    if (wildcard) return { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED };
    return listed.size > 0 ? { vary: 'Origin' } : {};
  };
  return {
    headers,
    allows: (origin) => listed.has(origin),
    preflight(origin) {
      const base = headers(origin);
      if (!('access-control-allow-origin' in base)) return base;
      return {
        ...base,
        'access-control-allow-methods': HUB_METHODS,
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
      };
    },
  };
}
