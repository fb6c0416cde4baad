// `npm start -w examples/fastify`: serves the Fastify example on PORT (default 3107) at 127.0.0.1.
import { runMain } from '../shared/run-main.ts';
import { DEFAULT_PORT, startFastifyExample } from './server.ts';

await runMain('fastify', DEFAULT_PORT, startFastifyExample);
