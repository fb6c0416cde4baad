// Starts a node server on a host and port and reports the port it really listens on (port 0 picks a free one).
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
      try {
        resolve(boundPort(server));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** The TCP port a listening server is bound to. */
export function boundPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
  return address.port;
}
