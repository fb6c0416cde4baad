// `npm start -w examples/monitor`: serves the server monitor on PORT (default 3101; 0 picks a free one) at 127.0.0.1.
import { startMonitor } from './server.ts';

const app = await startMonitor(process.env.PORT ? { port: Number(process.env.PORT) } : {});
console.log(`monitor example on ${app.url}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void app.close().then(() => process.exit(0)));
