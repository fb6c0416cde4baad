// `npm start -w examples/http2`: serves the HTTP/2 example on https://127.0.0.1:PORT/ (default 3109; 0 picks a
// free one) with a certificate made at start. The browser warns that it does not trust it: that is expected
// for a demo.
import { startHttp2Example } from './server.ts';

const app = await startHttp2Example(process.env.PORT ? { port: Number(process.env.PORT) } : {});
console.log(`http2 example on ${app.url}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void app.close().then(() => process.exit(0)));
