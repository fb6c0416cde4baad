import { CREDENTIAL_HEADERS, MAX_REDIRECTS } from './defaults.js';
import type { FetchLike, ReplayableBody } from './options.js';

export interface StreamRequest {
  url: string;
  method: string;
  headers: Headers;
  body: ReplayableBody | undefined;
  credentials: RequestCredentials;
  signal: AbortSignal;
  /** Follow redirects here, hop by hop (true), or leave them to fetch (false: browsers). */
  manualRedirects: boolean;
}

export interface OpenedStream {
  response: Response;
  /** The URL after redirects: its origin is the `origin` of every MessageEvent. */
  finalUrl: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// [fetch] headers that describe a request body, removed when a redirect turns the request into a GET
const BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length'];

function init(request: StreamRequest, method: string, headers: Headers, body: ReplayableBody | undefined): RequestInit {
  const result: RequestInit = {
    method,
    headers,
    // [spec] the request's cache mode is "no-store". Browsers and Node's fetch implement it (no HTTP cache,
    // and the no-cache headers when absent); Deno's and Bun's accept it and ignore it. Outside browsers the
    // EventSource has already put the headers in `headers` (event-source.ts), so none is sent twice.
    cache: 'no-store',
    // [spec] a potential-CORS request: mode "cors", credentials from the withCredentials flag
    mode: 'cors',
    credentials: request.credentials,
    signal: request.signal,
    redirect: request.manualRedirects ? 'manual' : 'follow',
  };
  if (body !== undefined) result.body = body as BodyInit;
  return result;
}

/**
 * Sends the request and follows redirects as the Fetch standard does, except that it does so itself
 * where the platform lets it see the Location header (Node, Deno, Bun). That way the credential headers
 * the caller added are dropped on a hop to another origin whatever the fetch implementation (older
 * undici and node-fetch versions kept them: CVE-2022-1650 class). Rejects with a TypeError on a
 * network error, as fetch does: too many redirects, or a Location that is not an http(s) URL.
 */
export async function openStream(fetch: FetchLike, request: StreamRequest): Promise<OpenedStream> {
  let url = request.url;
  let method = request.method;
  let body = request.body;
  const headers = new Headers(request.headers);
  for (let redirects = 0; ; redirects++) {
    const response = await fetch(url, init(request, method, headers, body));
    if (!request.manualRedirects) return { response, finalUrl: response.url || url };
    if (response.type === 'opaqueredirect') {
      // A browser-like fetch that we did not recognise: it hides the Location, so let it follow.
      const followed = await fetch(url, init({ ...request, manualRedirects: false }, method, headers, body));
      return { response: followed, finalUrl: followed.url || url };
    }
    const location = response.headers.get('location');
    // [fetch] a redirect status without a Location header is itself the response
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return { response, finalUrl: url };
    await response.body?.cancel().catch(() => {});
    if (redirects >= MAX_REDIRECTS) throw new TypeError(`more than ${MAX_REDIRECTS} redirects`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new TypeError('redirect to an invalid URL');
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new TypeError(`redirect to a ${next.protocol} URL: only http and https are followed`);
    }
    // [fetch] on a hop to another origin, credentials given for the first origin are removed
    if (next.origin !== new URL(url).origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
    const status = response.status;
    // [fetch] 301/302 turn POST into GET, 303 turns everything but GET/HEAD into GET, without the body
    if (
      ((status === 301 || status === 302) && method.toUpperCase() === 'POST') ||
      (status === 303 && !/^(GET|HEAD)$/i.test(method))
    ) {
      method = 'GET';
      body = undefined;
      for (const name of BODY_HEADERS) headers.delete(name);
    }
    url = next.href;
  }
}
