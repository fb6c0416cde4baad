// `npm start -w examples/ticker`: serves the stock ticker on PORT (default 3102; 0 picks a free one) at 127.0.0.1.
import { startTicker } from './server.ts';

const app = await startTicker(process.env.PORT ? { port: Number(process.env.PORT) } : {});
console.log(`ticker example on ${app.url}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void app.close().then(() => process.exit(0)));
