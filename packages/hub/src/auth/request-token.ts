/**
 * Where a request's token comes from. [spec] 0.x and draft-08 "Authorization": an `Authorization: Bearer`
 * header wins and the cookie is then ignored; otherwise the `mercureAuthorization` cookie (0.x) or the
 * `__Secure-mercure_access_token` cookie (draft-08's recommended name). Subscribers may also use the 0.x
 * `authorization` query parameter (which draft-08 drops): as 0.x says, it comes before the cookie. It is
 * never logged.
 */
import type { HubRequest } from '../http/hub-request.js';

export const COOKIE_NAMES = ['mercureAuthorization', '__Secure-mercure_access_token'] as const;

export type TokenSource = 'header' | 'cookie' | 'query';

export interface RequestToken {
  readonly token: string;
  readonly source: TokenSource;
}

function cookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The token of an `Authorization` header value of the form `Bearer <token>`, or null for any other form. */
export function bearerToken(authorization: string): string | null {
  // [spec] RFC 9110 11.1: the scheme name is case-insensitive.
  return /^bearer +(\S+)\s*$/i.exec(authorization)?.[1] ?? null;
}

/**
 * The token of `request`, null when there is none, or 'malformed' when an Authorization header is present
 * but is not `Bearer <token>`.
 */
export function readRequestToken(request: HubRequest, allowQuery: boolean): RequestToken | null | 'malformed' {
  const authorization = request.header('authorization');
  if (authorization !== undefined) {
    const token = bearerToken(authorization);
    return token === null ? 'malformed' : { token, source: 'header' };
  }
  // [spec] 0.x "Authorization": without a header, the query parameter is used and the cookie ignored.
  if (allowQuery) {
    const value = request.url.searchParams.get('authorization');
    if (value) return { token: value, source: 'query' };
  }
  for (const name of COOKIE_NAMES) {
    const value = cookie(request.header('cookie'), name);
    if (value) return { token: value, source: 'cookie' };
  }
  return null;
}
