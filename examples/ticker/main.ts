// `npm start -w examples/ticker`: serves the stock ticker on PORT (default 3102) at 127.0.0.1.
import { runMain } from '../shared/run-main.ts';
import { DEFAULT_PORT, startTicker } from './server.ts';

await runMain('ticker', DEFAULT_PORT, startTicker);
