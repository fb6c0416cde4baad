// better-sse (npm): its channel and sessions, the way its README shows them. The data is passed through as it
// came (its default serializer would JSON-encode the string again), as the other servers do.
import { createServer } from 'node:http';
import { createChannel, createSession } from 'better-sse';
import { readBody } from './read-body.mjs';

const channel = createChannel();
createServer(async (req, res) => {
  if (req.method === 'POST') {
    channel.broadcast(await readBody(req));
    res.end();
    return;
  }
  channel.register(await createSession(req, res, { keepAlive: null, serializer: (data) => String(data) }));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));

// Exit cleanly on SIGTERM, so that a profile asked for with SERVER_NODE_ARGS is written.
process.on('SIGTERM', () => process.exit(0));
