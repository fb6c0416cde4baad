// `npm start -w examples/news`: serves the news feed on PORT (default 3103; 0 picks a free one) at 127.0.0.1.
import { startNews } from './server.ts';

const app = await startNews(process.env.PORT ? { port: Number(process.env.PORT) } : {});
console.log(`news example on ${app.url}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void app.close().then(() => process.exit(0)));
