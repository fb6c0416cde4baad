/**
 * The methods of the hub endpoint, for `Allow` and `Access-Control-Allow-Methods`. [spec] Fetch
 * "CORS-safelisted method": only GET, HEAD and POST are, so a page's `fetch(hub, { method: 'QUERY' })` is
 * preceded by a preflight, and the browser sends the QUERY only when the preflight's answer names it.
 */
import { QUERY_METHOD } from '../subscribe/subscribe-body.js';

export const HUB_METHODS = `GET, ${QUERY_METHOD}, POST, OPTIONS`;
