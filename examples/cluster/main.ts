// `npm start -w examples/cluster`: starts node a and node b (two `tidings hub` processes) on the Redis at
// REDIS_URL (default redis://127.0.0.1:6379) and serves the page on PORT (default 3110) at 127.0.0.1.
import { runMain } from '../shared/run-main.ts';
import { DEFAULT_PORT, startCluster } from './server.ts';

await runMain('cluster', DEFAULT_PORT, startCluster);
