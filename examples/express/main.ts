// `npm start -w examples/express`: serves the express example on PORT (default 3106; 0 picks a free one) at 127.0.0.1.
import { startExpressExample } from './server.ts';

const app = await startExpressExample(process.env.PORT ? { port: Number(process.env.PORT) } : {});
console.log(`express example on ${app.url}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void app.close().then(() => process.exit(0)));
