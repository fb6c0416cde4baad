/**
 * The dashboard's page files (packages/hub/static), read once when the dashboard is mounted and
 * served from memory. Only files found there at mount can be served, so no request path can reach
 * anything else on disk.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** static/ is two levels above this file both in src/dashboard (tests, tsx) and in dist/dashboard (npm). */
export const STATIC_DIR = fileURLToPath(new URL('../../static/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Pages may load scripts, styles and streams from the hub itself only: no CDN, nothing from elsewhere,
 * no inline script (a topic or message shown on a page cannot run as code).
 */
const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

export interface StaticFile {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly contentType: string;
}

/** Every file under `dir` with a known type, keyed by its path relative to `dir` with "/" separators. */
export function loadStaticFiles(dir: string = STATIC_DIR): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const contentType = CONTENT_TYPES[extname(name)];
    const path = join(dir, name);
    if (contentType === undefined || !statSync(path).isFile()) continue;
    files.set(name.split(sep).join('/'), { body: readFileSync(path), contentType });
  }
  return files;
}

/** A 200 answer for a static file (HEAD: the same headers, no body). */
export function fileResponse(file: StaticFile, method: string): Response {
  return new Response(method === 'HEAD' ? null : file.body, {
    status: 200,
    headers: { ...PAGE_SECURITY_HEADERS, 'content-type': file.contentType },
  });
}
