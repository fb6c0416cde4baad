// The hand-written server of the seed articles: a Set of open responses, each written in a loop.
import { createServer } from 'node:http';
import { readBody } from './read-body.mjs';

const clients = new Set();
createServer(async (req, res) => {
  if (req.method === 'POST') {
    const message = `data: ${await readBody(req)}\n\n`;
    for (const client of clients) client.write(message);
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write('\n');
  clients.add(res);
  req.on('close', () => clients.delete(res));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));

// Exit cleanly on SIGTERM, so that a profile asked for with SERVER_NODE_ARGS is written.
process.on('SIGTERM', () => process.exit(0));
