// A Mercure publisher over node:http with keep-alive connections (lighter than fetch, so that publishing
// costs the bench's own processes little): POST form `topic=..&data=..` with a publisher JWT.
import http from 'node:http';
import { createSigningKey, signJwt } from '@tidings/hub';
import { KEY } from './hub-process.mjs';

/** A publisher token for the bench hubs: may publish to every topic. */
export const publisherToken = () => signJwt({ mercure: { publish: ['*'] } }, createSigningKey('HS256', KEY));

/**
 * A publish function for one hub: `(topic, data) => Promise<{ status, body }>` (body: the id on 200).
 * At most `sockets` requests are in flight at once (more wait in the agent's queue).
 */
export function publisherFor(hubUrl, { sockets = 4 } = {}) {
  const url = new URL(hubUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const authorization = `Bearer ${publisherToken()}`;
  const publish = (topic, data) =>
    new Promise((resolve, reject) => {
      const body = `topic=${encodeURIComponent(topic)}&data=${encodeURIComponent(data)}`;
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent,
          headers: {
            authorization,
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode, body: text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  publish.close = () => agent.destroy();
  return publish;
}
