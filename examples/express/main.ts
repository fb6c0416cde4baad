// `npm start -w examples/express`: serves the Express example on PORT (default 3106) at 127.0.0.1.
import { runMain } from '../shared/run-main.ts';
import { DEFAULT_PORT, startExpressExample } from './server.ts';

await runMain('express', DEFAULT_PORT, startExpressExample);
