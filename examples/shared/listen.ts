// Starts a node server on a host and port and reports the URL it really listens on (port 0 picks a free one).
import type { Server } from 'node:net';

/** Examples listen on loopback only: they are demos, not services to expose on a network. */
export const HOST = '127.0.0.1';

/** Listens and resolves with the bound port, or rejects with the listen error (for example EADDRINUSE). */
export function listen(server: Server, port: number, host: string = HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('the server has no TCP address'));
        return;
      }
      resolve(address.port);
    });
  });
}
