// `npm start -w examples/fastify`: serves the fastify example on PORT (default 3107; 0 picks a free one) at 127.0.0.1.
import { startFastifyExample } from './server.ts';

const app = await startFastifyExample(process.env.PORT ? { port: Number(process.env.PORT) } : {});
console.log(`fastify example on ${app.url}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void app.close().then(() => process.exit(0)));
