// `npm start -w examples/chat`: serves the chat on PORT (default 3104) at 127.0.0.1.
import { runMain } from '../shared/run-main.ts';
import { DEFAULT_PORT, startChat } from './server.ts';

await runMain('chat', DEFAULT_PORT, startChat);
