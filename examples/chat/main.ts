// `npm start -w examples/chat`: serves the chat on PORT (default 3104; 0 picks a free one) at 127.0.0.1.
import { startChat } from './server.ts';

const app = await startChat(process.env.PORT ? { port: Number(process.env.PORT) } : {});
console.log(`chat example on ${app.url}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void app.close().then(() => process.exit(0)));
