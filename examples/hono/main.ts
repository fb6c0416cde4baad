// `npm start -w examples/hono`: serves the hono example on PORT (default 3108; 0 picks a free one) at 127.0.0.1.
import { startHonoExample } from './server.ts';

const app = await startHonoExample(process.env.PORT ? { port: Number(process.env.PORT) } : {});
console.log(`hono example on ${app.url}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void app.close().then(() => process.exit(0)));
