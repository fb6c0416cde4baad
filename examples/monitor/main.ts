// `npm start -w examples/monitor`: serves the server monitor on PORT (default 3101) at 127.0.0.1.
import { runMain } from '../shared/run-main.ts';
import { DEFAULT_PORT, startMonitor } from './server.ts';

await runMain('monitor', DEFAULT_PORT, startMonitor);
