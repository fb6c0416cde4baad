import { DEFAULT_CORS_MAX_AGE_MS } from './limits.js';
import { POLL_HEADER } from './request-info.js';

/** Cross-origin access to an event stream. */
export interface CorsOptions {
  /**
   * Origins allowed to read the stream, exactly as browsers send them (`https://app.example`,
   * scheme + host + port, no path), or `'*'` for any origin. `'*'` alone cannot be combined with
   * `credentials: true`: a credentialed stream is only ever granted to listed origins. `'*'` in the
   * list grants every other origin without credentials (`['https://app.example', '*']`: the app with
   * its cookies, the rest of the web without), as the Mercure draft requires of a hub.
   */
  origins: readonly string[] | '*';
  /** Allow cookies and HTTP auth (`new EventSource(url, { withCredentials: true })`). Default false. */
  credentials?: boolean;
  /**
   * Request headers allowed in addition to `Last-Event-ID`, `Cache-Control` and `Tidings-Poll`
   * (always allowed), e.g. `['Authorization']` for fetch-based clients.
   */
  allowHeaders?: readonly string[];
  /** Methods a preflight grants; default `['GET', 'POST']`. */
  methods?: readonly string[];
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
  /** Every origin not listed is granted, without credentials. */
  readonly anyOrigin: boolean;
  readonly origins: ReadonlySet<string>;
  readonly credentials: boolean;
  readonly methods: string;
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  /** Milliseconds (a multiple of 1000). */
  readonly maxAge: number | null;
}

/** The methods an event-stream endpoint answers across origins (POST for streams such as LLM APIs). */
const DEFAULT_METHODS = ['GET', 'POST'];
/** Headers an EventSource client (native or polyfill) may send. */
const BASE_ALLOW_HEADERS = ['Last-Event-ID', 'Cache-Control', POLL_HEADER];
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function checkTokenList(name: string, value: unknown, example: string): string[] {
  if (value === undefined) return [];
  // Header names and methods are both HTTP tokens.
  if (!Array.isArray(value) || !value.every((h) => typeof h === 'string' && HEADER_NAME.test(h))) {
    throw new TypeError(`cors.${name} must be an array of names such as ${example}`);
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
      if (origin === '*') anyOrigin = true;
      else if (typeof origin === 'string' && isOrigin(origin)) set.add(origin);
      else {
        throw new TypeError(
          `cors.origins entries must be origins such as 'https://app.example' (scheme, host, optional port; no path; as browsers send them), or '*'`,
        );
      }
    }
  } else {
    throw new TypeError("cors.origins must be an array of origins such as ['https://app.example'], or '*'");
  }
  const methods =
    options.methods === undefined ? DEFAULT_METHODS : checkTokenList('methods', options.methods, "['GET']");
  return {
    anyOrigin,
    origins: set,
    credentials,
    methods: methods.join(', '),
    allowHeaders: [...BASE_ALLOW_HEADERS, ...checkTokenList('allowHeaders', options.allowHeaders, "['Authorization']")],
    exposeHeaders: checkTokenList('exposeHeaders', options.exposeHeaders, "['X-Request-Id']"),
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

/**
 * Headers to add to a response for a request from `origin`. Empty (but for `Vary`) when the origin is
 * not allowed: the browser then refuses to expose the response to the page.
 */
export function corsHeaders(cors: ResolvedCors, origin: string | null | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  // The answer depends on Origin unless every origin gets the same '*', so caches must keep one per origin.
  if (cors.origins.size > 0 || !cors.anyOrigin) headers.vary = 'Origin';
  if (origin !== null && origin !== undefined && cors.origins.has(origin)) {
    // Only an exact listed origin is echoed; never an arbitrary one.
    headers['access-control-allow-origin'] = origin;
    if (cors.credentials) headers['access-control-allow-credentials'] = 'true';
  } else if (cors.anyOrigin) {
    // [security] never with credentials: any site could read a user's private stream. Also without an
    // Origin: a cache may hand this answer to a page on another origin later.
    headers['access-control-allow-origin'] = '*';
  } else {
    return headers;
  }
  if (cors.exposeHeaders.length > 0) headers['access-control-expose-headers'] = cors.exposeHeaders.join(', ');
  return headers;
}

/** The answer to an `OPTIONS` preflight: 204 with the grants, or 403 for an origin not allowed. */
export function corsPreflight(
  cors: ResolvedCors,
  origin: string | null | undefined,
): { status: number; headers: Record<string, string> } {
  const headers = corsHeaders(cors, origin);
  if (!('access-control-allow-origin' in headers)) return { status: 403, headers };
  headers['access-control-allow-methods'] = cors.methods;
  headers['access-control-allow-headers'] = cors.allowHeaders.join(', ');
  if (cors.maxAge !== null) headers['access-control-max-age'] = String(cors.maxAge / 1000);
  return { status: 204, headers };
}

/**
 * The CORS answers of one set of CorsOptions, for a server's other endpoints next to its event streams
 * (a POST endpoint, a hub's publish route): the same grants the sessions give.
 */
export interface CorsPolicy {
  /** Headers for a response to a request from `origin` (no grant when it is not allowed). */
  headers(origin: string | null | undefined): Record<string, string>;
  /** The answer to a preflight from `origin`: 204 with the grants, or 403. */
  preflight(origin: string | null | undefined): { status: number; headers: Record<string, string> };
  /** True when `origin` is listed (not only granted by `'*'`): for a cookie CSRF check. */
  listed(origin: string): boolean;
}

/** Checks CorsOptions once (a TypeError that says how to fix them) and returns their answers. */
export function createCorsPolicy(options: CorsOptions): CorsPolicy {
  const cors = resolveCors(options);
  return {
    headers: (origin) => corsHeaders(cors, origin),
    preflight: (origin) => corsPreflight(cors, origin),
    listed: (origin) => cors.origins.has(origin),
  };
}
