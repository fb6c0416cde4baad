// Builds the ESM browser bundle of @tidings/client (one minified file, @tidings/protocol inlined) and
// measures it. Used by `npm run build:extra` (into dist/browser/) and by the browser tests (into a
// temporary directory, so they always test the current sources).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const BUNDLE_FILE_NAME = 'tidings-client.min.js';
const ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));

export interface BundleSize {
  /** Bytes of the minified file. */
  minified: number;
  /** Bytes after gzip at level 9, what a server with compression sends. */
  gzipped: number;
}

export async function buildBrowserBundle(outfile: string): Promise<BundleSize> {
  await build({
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    // bundle the workspace packages from their TypeScript sources: no build order to get wrong
    conditions: ['tidings-source'],
    legalComments: 'none',
    logLevel: 'warning',
  });
  const bytes = readFileSync(outfile);
  return { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
}
