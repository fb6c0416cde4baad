// `npm start -w examples/hono`: serves the Hono example on PORT (default 3108) at 127.0.0.1.
import { runMain } from '../shared/run-main.ts';
import { DEFAULT_PORT, startHonoExample } from './server.ts';

await runMain('hono', DEFAULT_PORT, startHonoExample);
