import { DEFAULT_CORS_MAX_AGE_MS } from './limits.js';
import { POLL_HEADER } from './request-info.js';

/** Cross-origin access to an event stream. */
export interface CorsOptions {
  /**
   * Origins allowed to read the stream, exactly as browsers send them (`https://app.example`,
   * scheme + host + port, no path), or `'*'` for any origin. `'*'` cannot be combined with
   * `credentials: true`: a credentialed stream is only ever granted to listed origins.
   */
  origins: readonly string[] | '*';
  /** Allow cookies and HTTP auth (`new EventSource(url, { withCredentials: true })`). Default false. */
  credentials?: boolean;
  /**
   * Request headers allowed in addition to `Last-Event-ID`, `Cache-Control` and `Tidings-Poll`
   * (always allowed), e.g. `['Authorization']` for fetch-based clients.
   */
  allowHeaders?: readonly string[];
  /** Response headers the page may read, e.g. `['X-Request-Id']`. Default none. */
  exposeHeaders?: readonly string[];
  /**
   * Milliseconds a browser may cache the preflight answer, a multiple of 1000 (the header carries whole
   * seconds); default 600000 (10 minutes); `null` sends no `Access-Control-Max-Age`.
   */
  maxAge?: number | null;
}

/** CorsOptions checked and completed. */
export interface ResolvedCors {
  readonly anyOrigin: boolean;
  readonly origins: ReadonlySet<string>;
  readonly credentials: boolean;
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  /** Milliseconds (a multiple of 1000). */
  readonly maxAge: number | null;
}

/** The methods an event-stream endpoint answers across origins (POST for streams such as LLM APIs). */
const CORS_METHODS = 'GET, POST';
/** Headers an EventSource client (native or polyfill) may send. */
const BASE_ALLOW_HEADERS = ['Last-Event-ID', 'Cache-Control', POLL_HEADER];
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function checkHeaderList(name: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((h) => typeof h === 'string' && HEADER_NAME.test(h))) {
    throw new TypeError(`cors.${name} must be an array of header names such as ['Authorization']`);
  }
  return [...value];
}

/** Validates CorsOptions, throwing a TypeError that says how to fix them. */
export function resolveCors(options: CorsOptions): ResolvedCors {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError("cors must be an object such as { origins: ['https://app.example'] }, or null");
  }
  const { origins, credentials = false, maxAge = DEFAULT_CORS_MAX_AGE_MS } = options;
  if (typeof credentials !== 'boolean') throw new TypeError('cors.credentials must be true or false');
  // The header carries whole seconds; a value that is not a multiple of 1000 is most likely seconds given
  // where milliseconds are meant (maxAge: 600 would be 0.6 s).
  if (maxAge !== null && (!Number.isSafeInteger(maxAge) || maxAge < 0 || maxAge % 1000 !== 0)) {
    throw new TypeError(
      `cors.maxAge must be a whole number of milliseconds, a multiple of 1000 (the header carries whole seconds; 600000 is 10 minutes), or null to send no Access-Control-Max-Age; got ${String(maxAge)}`,
    );
  }
  let anyOrigin = false;
  const set = new Set<string>();
  if (origins === '*') {
    // [security] `*` with credentials would let any site read a user's private stream.
    if (credentials) {
      throw new TypeError("cors.origins '*' cannot be used with credentials: true; list the allowed origins instead");
    }
    anyOrigin = true;
  } else if (Array.isArray(origins)) {
    for (const origin of origins) {
      if (typeof origin !== 'string' || !isOrigin(origin)) {
        throw new TypeError(
          `cors.origins entries must be origins such as 'https://app.example' (scheme, host, optional port; no path)`,
        );
      }
      set.add(origin);
    }
  } else {
    throw new TypeError("cors.origins must be an array of origins such as ['https://app.example'], or '*'");
  }
  return {
    anyOrigin,
    origins: set,
    credentials,
    allowHeaders: [...BASE_ALLOW_HEADERS, ...checkHeaderList('allowHeaders', options.allowHeaders)],
    exposeHeaders: checkHeaderList('exposeHeaders', options.exposeHeaders),
    maxAge,
  };
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return url.origin === value && url.origin !== 'null';
  } catch {
    return false;
  }
}

function allowOrigin(cors: ResolvedCors, origin: string | null): string | null {
  if (origin === null) return null;
  if (cors.anyOrigin) return '*';
  // Only an exact listed origin is echoed; never an arbitrary one.
  return cors.origins.has(origin) ? origin : null;
}

/**
 * Headers to add to an event-stream response for a request from `origin`. Empty when the origin is not
 * allowed: the browser then refuses to expose the stream to the page.
 */
export function corsHeaders(cors: ResolvedCors, origin: string | null): Record<string, string> {
  const headers: Record<string, string> = {};
  // The answer depends on Origin unless it is '*', so caches must keep one copy per origin.
  if (!cors.anyOrigin) headers.vary = 'Origin';
  const allowed = allowOrigin(cors, origin);
  if (allowed === null) return headers;
  headers['access-control-allow-origin'] = allowed;
  if (cors.credentials) headers['access-control-allow-credentials'] = 'true';
  if (cors.exposeHeaders.length > 0) headers['access-control-expose-headers'] = cors.exposeHeaders.join(', ');
  return headers;
}

/** The answer to an `OPTIONS` preflight: 204 with the grants, or 403 for an origin not allowed. */
export function corsPreflight(
  cors: ResolvedCors,
  origin: string | null,
): { status: number; headers: Record<string, string> } {
  const headers = corsHeaders(cors, origin);
  if (!('access-control-allow-origin' in headers)) return { status: 403, headers };
  headers['access-control-allow-methods'] = CORS_METHODS;
  headers['access-control-allow-headers'] = cors.allowHeaders.join(', ');
  if (cors.maxAge !== null) headers['access-control-max-age'] = String(cors.maxAge / 1000);
  return { status: 204, headers };
}
