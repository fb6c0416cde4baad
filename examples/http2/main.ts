// `npm start -w examples/http2`: serves the HTTP/2 example on https://127.0.0.1:PORT/ (default 3109) with a
// certificate made at start. The browser warns that it does not trust it: that is expected for a demo.
import { runMain } from '../shared/run-main.ts';
import { DEFAULT_PORT, startHttp2Example } from './server.ts';

await runMain('http2', DEFAULT_PORT, startHttp2Example);
