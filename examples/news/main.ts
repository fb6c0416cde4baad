// `npm start -w examples/news`: serves the news feed on PORT (default 3103) at 127.0.0.1.
import { runMain } from '../shared/run-main.ts';
import { DEFAULT_PORT, startNews } from './server.ts';

await runMain('news', DEFAULT_PORT, startNews);
