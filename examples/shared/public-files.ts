// Serves an example's page: the files of its public/ folder plus the shared browser helpers in shared/public/.
// Files are read once at start; the set is fixed, so a request can never name a path outside it.
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { extname, join } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The pages load nothing from other origins (no CDN, no fonts, no analytics); this policy makes the browser
 * enforce it, so a stray external URL shows up as an error in the console and in the tests.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
};

export interface PublicFile {
  readonly contentType: string;
  readonly body: Buffer;
}

const SHARED_DIR = join(import.meta.dirname, 'public');
/** The page the Express, Fastify and Hono examples share: their route differs, their page does not. */
export const ADAPTER_PAGE_DIR = join(import.meta.dirname, 'adapter-page');

function addFolder(files: Map<string, PublicFile>, dir: string): void {
  for (const name of readdirSync(dir)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType === undefined) continue;
    files.set(`/${name}`, { contentType, body: readFileSync(join(dir, name)) });
  }
}

/**
 * Reads the shared files and then each of `dirs` (the example's public/ folder last, so its files win);
 * `/` serves index.html.
 */
export function loadPublicFiles(...dirs: string[]): ReadonlyMap<string, PublicFile> {
  const files = new Map<string, PublicFile>();
  addFolder(files, SHARED_DIR);
  for (const dir of dirs) addFolder(files, dir);
  const index = files.get('/index.html');
  if (index !== undefined) files.set('/', index);
  return files;
}

/** Answers a GET or HEAD for one of `files` and returns true; returns false when the path is not one of them. */
export function servePublicFile(
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
  pathname: string,
  files: ReadonlyMap<string, PublicFile>,
): boolean {
  const file = files.get(pathname);
  if (file === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  // node:http2's compatibility response has the same writeHead/end as node:http's.
  const out = res as ServerResponse;
  out.writeHead(200, { ...PAGE_HEADERS, 'content-type': file.contentType, 'content-length': file.body.length });
  out.end(req.method === 'HEAD' ? undefined : file.body);
  return true;
}

/** A plain-text error answer with the status and a message that says what is wrong. */
export function sendText(res: ServerResponse | Http2ServerResponse, status: number, message: string): void {
  const body = Buffer.from(`${message}\n`);
  (res as ServerResponse).writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': body.length,
  });
  res.end(body);
}
