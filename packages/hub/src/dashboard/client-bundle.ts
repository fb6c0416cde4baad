/**
 * The @tidings/client browser bundle, served by the dashboard at /dashboard/tidings-client.js so pages
 * load the project's own EventSource from the hub (no CDN). It is the built file named by the package's
 * `@tidings/client/browser-bundle` export; `npm install` (prepare) and `npm run build` write it.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Where the bundle is; null when the export cannot be resolved. */
export function clientBundlePath(): string | null {
  try {
    return fileURLToPath(import.meta.resolve('@tidings/client/browser-bundle'));
  } catch {
    return null;
  }
}

/** The bundle's bytes, or null when it has not been built yet. Read once, then kept (a miss is retried). */
export function createClientBundleLoader(
  path: string | null = clientBundlePath(),
): () => Promise<Uint8Array<ArrayBuffer> | null> {
  let loaded: Uint8Array<ArrayBuffer> | undefined;
  return async () => {
    if (loaded !== undefined) return loaded;
    if (path === null) return null;
    try {
      loaded = await readFile(path);
      return loaded;
    } catch {
      return null;
    }
  };
}
