/**
 * What the client needs to know about the platform it runs on. No node:* imports: everything here is
 * a global that browsers, workers, Deno, Bun and Node either have or lack.
 */

interface MaybeBrowserGlobals {
  location?: { href?: unknown };
  document?: unknown;
  importScripts?: unknown;
}

/**
 * The base URL relative URLs are parsed against: the document's (or worker's) location in a browser,
 * undefined elsewhere, where only absolute URLs are accepted. Deno throws on `location` when started
 * without --location, hence the try.
 */
export function baseUrl(): string | undefined {
  try {
    const href = (globalThis as MaybeBrowserGlobals).location?.href;
    return typeof href === 'string' ? href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether fetch runs under a browser's rules: there `redirect: 'manual'` hides the Location header
 * (an "opaque redirect"), so redirects must be left to the browser, whose fetch already removes
 * `Authorization` on a cross-origin redirect and never lets a page set `Cookie`.
 */
export function isBrowserLike(): boolean {
  const g = globalThis as MaybeBrowserGlobals;
  return g.document !== undefined || typeof g.importScripts === 'function';
}
