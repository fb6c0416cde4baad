// `npm start -w examples/clock`: serves the clock on PORT (default 3105; 0 picks a free one) at 127.0.0.1.
import { startClock } from './server.ts';

const app = await startClock(process.env.PORT ? { port: Number(process.env.PORT) } : {});
console.log(`clock example on ${app.url}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void app.close().then(() => process.exit(0)));
