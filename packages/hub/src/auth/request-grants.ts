/**
 * A request's token, verified and read into grants, or the answer that refuses it: the one sequence the
 * publish and subscribe routes share (the dashboard's stats view shares the verification, tokenGrants).
 *
 * [spec] draft-08 "Error Responses": 401 with `WWW-Authenticate: Bearer` (no error code when there is no
 * token, `invalid_token` when it fails). The draft suggests one answer for every failure; this hub says in
 * the body which check failed (malformed, badly signed, expired, wrong audience, ...), because that is what
 * a developer debugging a 401 needs, and it tells an attacker nothing that helps forge a token: the token
 * and its claims are never echoed.
 */

import { TokenError } from '../errors.js';
import { bearerChallenge, type HubRequest, type HubResponse, textResponse } from '../http/hub-request.js';
import type { HubContext } from '../hub-context.js';
import { describeError } from '../logger.js';
import { type Grants, grantsFromClaims } from './authorization.js';
import type { JwtClaims } from './jwt.js';
import { readRequestToken, type TokenSource } from './request-token.js';
import type { TokenVerifier } from './token-verifier.js';

export type Role = 'publisher' | 'subscriber';

export type GrantsCheck =
  /** The request carries no token. */
  | { readonly kind: 'none' }
  | {
      readonly kind: 'granted';
      readonly grants: Grants;
      readonly claims: JwtClaims;
      readonly source: TokenSource;
      /** The token itself, as the key of its publish rate limit (never logged). */
      readonly token: string;
    }
  | { readonly kind: 'refused'; readonly response: HubResponse };

function refused(response: HubResponse): GrantsCheck {
  return { kind: 'refused', response };
}

/** The grants of the request's token for `role`. Subscribers may also send it as the `authorization` query parameter. */
export async function requestGrants(hub: HubContext, request: HubRequest, role: Role): Promise<GrantsCheck> {
  const found = readRequestToken(request, role === 'subscriber');
  if (found === null) return { kind: 'none' };
  if (found === 'malformed') {
    return refused(
      textResponse(401, 'malformed Authorization header (expected "Bearer <token>")', bearerChallenge('invalid_token')),
    );
  }
  const verifier: TokenVerifier | null =
    role === 'publisher' ? hub.config.publisherTokens : hub.config.subscriberTokens;
  if (verifier === null) {
    const why =
      role === 'publisher'
        ? 'publishing is disabled: the hub has no publisher key'
        : 'this hub accepts no subscriber tokens';
    return refused(textResponse(401, why, bearerChallenge('invalid_token')));
  }
  const verified = await tokenGrants(verifier, found.token, hub.config.publicUrl);
  if (!(verified instanceof TokenError))
    return { kind: 'granted', ...verified, source: found.source, token: found.token };
  if (verified.code === 'KEYS_UNAVAILABLE') {
    hub.log.warn(`${role} token not checked: JWK Set unavailable`, { error: describeError(verified.cause) });
    return refused(
      textResponse(503, 'the keys to check the token cannot be fetched now; try again later', { 'retry-after': '5' }),
    );
  }
  hub.log.info(`${role} token refused`, { reason: verified.code });
  return refused(textResponse(401, `invalid token: ${verified.message}`, bearerChallenge('invalid_token')));
}

/**
 * The claims and grants of `token` if `verifier` accepts it, else the TokenError that says why (any other
 * error is thrown). Shared by the routes above and the dashboard's stats view, which answers a refused
 * token its own way (no topic names rather than 401).
 */
export async function tokenGrants(
  verifier: TokenVerifier,
  token: string,
  publicUrl: string,
): Promise<{ readonly claims: JwtClaims; readonly grants: Grants } | TokenError> {
  try {
    const claims = await verifier.verify(token);
    return { claims, grants: grantsFromClaims(claims, publicUrl) };
  } catch (error) {
    if (error instanceof TokenError) return error;
    throw error;
  }
}
