// `npm run build:extra`: writes dist/browser/tidings-client.min.js and prints its size (the figures in
// the README come from here).
import { fileURLToPath } from 'node:url';
import { BUNDLE_FILE_NAME, buildBrowserBundle } from './browser-bundle.ts';

const outfile = fileURLToPath(new URL(`../dist/browser/${BUNDLE_FILE_NAME}`, import.meta.url));
const size = await buildBrowserBundle(outfile);
console.log(`${outfile}: ${size.minified} bytes minified, ${size.gzipped} bytes gzipped`);
