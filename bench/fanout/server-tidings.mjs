// @tidings/server: a channel, sessions from the node adapter. GET /events subscribes, POST /publish broadcasts.
import { createServer } from 'node:http';
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { readBody } from './read-body.mjs';

const channel = createChannel({ history: null });
createServer(async (req, res) => {
  if (req.method === 'POST') {
    channel.broadcast(await readBody(req));
    res.end();
    return;
  }
  const session = createSession(req, res, { keepAlive: null });
  if (session) channel.register(session);
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));

// Exit cleanly on SIGTERM, so that a profile asked for with SERVER_NODE_ARGS is written.
process.on('SIGTERM', () => process.exit(0));
