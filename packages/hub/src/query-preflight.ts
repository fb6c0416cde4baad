/**
 * CORS preflight for subscriptions sent with `QUERY`. [spec] Fetch "CORS-safelisted method": only GET,
 * HEAD and POST are; a page's `fetch(hub, { method: 'QUERY' })` is preceded by an OPTIONS request, and the
 * browser sends the QUERY only when `Access-Control-Allow-Methods` names it.
 */
import { QUERY_METHOD } from './subscribe-body.js';

/** The methods of the hub endpoint, for `Allow` and `Access-Control-Allow-Methods`. */
export const HUB_METHODS = `GET, ${QUERY_METHOD}, POST, OPTIONS`;

/** `preflight` (the CORS policy's answer) allowing QUERY too; unchanged when the origin is not allowed. */
export function allowQueryInPreflight(preflight: Record<string, string>): Record<string, string> {
  if (!('access-control-allow-methods' in preflight)) return preflight;
  return { ...preflight, 'access-control-allow-methods': HUB_METHODS };
}
