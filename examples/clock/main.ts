// `npm start -w examples/clock`: serves the clock on PORT (default 3105) at 127.0.0.1.
import { runMain } from '../shared/run-main.ts';
import { DEFAULT_PORT, startClock } from './server.ts';

await runMain('clock', DEFAULT_PORT, startClock);
