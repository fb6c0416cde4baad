// The Tidings hub as a library: subscribers on the Mercure path, the bench's POST /publish goes through
// hub.publish() (no token check, so that it compares with the other servers' plain broadcast).
import { createServer } from 'node:http';
import { createHub } from '@tidings/hub';
import { readBody } from './read-body.mjs';

// The per-client limits are off: the load generator is one client acting for every subscriber.
const hub = createHub({
  anonymous: true,
  log: null,
  heartbeat: null,
  maxStreamsPerClient: null,
  streamRatePerClient: null,
  publishRatePerToken: null,
});
createServer(async (req, res) => {
  if (req.method === 'POST') {
    await hub.publish({ topics: 'bench', data: await readBody(req) });
    res.end();
    return;
  }
  req.url = '/.well-known/mercure?topic=bench';
  hub.listener(req, res);
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));

// Exit cleanly on SIGTERM, so that a profile asked for with SERVER_NODE_ARGS is written.
process.on('SIGTERM', () => process.exit(0));
