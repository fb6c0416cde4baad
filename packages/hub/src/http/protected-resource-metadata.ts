/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) of the hub.
 *
 * [spec] draft-08 "Protected Resource Metadata": the hub SHOULD publish it at the path RFC 9728 derives
 * from the hub URL; `resource` is the hub's resource identifier (the `aud` of its tokens), here the public
 * URL (`--public-url`, or the URL the CLI listens on, https under TLS).
 */
import { MERCURE_DETAIL_TYPE } from '../auth/authorization.js';
import type { ResolvedHubOptions } from '../hub-options.js';
import { METADATA_MAX_AGE_SECONDS } from '../limits.js';
import type { HubRequest, HubResponse } from './hub-request.js';
import { textResponse } from './hub-request.js';

/** [spec] RFC 9728 3: the well-known URI suffix. */
export const PROTECTED_RESOURCE_WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * [spec] RFC 9728 3.1: the metadata URL of `resource`: the well-known suffix inserted between the host
 * and the path (a path of `/` alone adds nothing; the query stays).
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}${PROTECTED_RESOURCE_WELL_KNOWN}${path}${url.search}`;
}

/** The metadata document: only the members this hub can state truthfully. */
export function protectedResourceMetadata(config: ResolvedHubOptions): Record<string, unknown> {
  const document: Record<string, unknown> = {
    resource: config.publicUrl,
    authorization_details_types_supported: [MERCURE_DETAIL_TYPE],
    // [spec] RFC 9728 2: the RFC 6750 methods accepted; the cookie is not one, see mercure_cookie.
    bearer_methods_supported: ['header'],
    // Both cookie names work; the `__Secure-` one only over https, where browsers keep such a cookie.
    mercure_cookie:
      new URL(config.publicUrl).protocol === 'https:' ? '__Secure-mercure_access_token' : 'mercureAuthorization',
  };
  if (config.subscriptions !== null) document.mercure_subscriptions = true;
  return document;
}

/**
 * The route of the metadata document, served at the path derived from the public URL and at the one
 * derived from the hub's own path (a reverse proxy may forward either).
 */
export function createMetadataRoute(
  config: ResolvedHubOptions,
  hubPath: string,
): { matches(path: string): boolean; answer(request: HubRequest): HubResponse } {
  const paths = new Set([
    new URL(protectedResourceMetadataUrl(config.publicUrl)).pathname,
    `${PROTECTED_RESOURCE_WELL_KNOWN}${hubPath}`,
  ]);
  const body = `${JSON.stringify(protectedResourceMetadata(config), null, 2)}\n`;
  const headers = {
    'content-type': 'application/json',
    'cache-control': `public, max-age=${METADATA_MAX_AGE_SECONDS}`,
    // A public document with no credentials: any origin may read it (a page discovering the hub).
    'access-control-allow-origin': '*',
  };
  return {
    matches: (path) => paths.has(path),
    answer(request) {
      if (request.method === 'GET') return { kind: 'response', status: 200, headers, body };
      if (request.method === 'OPTIONS')
        return {
          kind: 'response',
          status: 204,
          headers: { ...headers, 'access-control-allow-methods': 'GET, OPTIONS' },
          body: '',
        };
      return textResponse(405, 'the protected resource metadata is read with GET', {
        allow: 'GET, OPTIONS',
      });
    },
  };
}
