// A TCP proxy in front of a test's redis-server that plays the network's failures on cue: refuse
// connections, cut them, swallow replies, or hold requests back and deliver them late (as TCP does
// after a partition heals, also for a socket its client already closed).
import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** `pass` forwards; `refuse` closes new connections at once; `drop-replies` forwards requests and
 * discards the answers; `hold` keeps requests back until `release()`. */
export type ProxyMode = 'pass' | 'refuse' | 'drop-replies' | 'hold';

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
  held: Buffer[];
  clientGone: boolean;
}

export class TcpProxy {
  mode: ProxyMode = 'pass';
  readonly #server: Server;
  readonly #target: number;
  readonly #pairs = new Set<Pair>();
  /** Bytes `release()` delivered late. */
  releasedBytes = 0;

  private constructor(target: number) {
    this.#target = target;
    this.#server = createServer((client) => this.#accept(client));
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    proxy.#server.listen(0, '127.0.0.1');
    await once(proxy.#server, 'listening');
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Destroys every open connection, both sides, as a failed network or a restarted router does. */
  cut(): void {
    for (const pair of this.#pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.#pairs.clear();
  }

  /** Delivers every request held back, also of connections whose client is gone, then forwards again. */
  release(): void {
    this.mode = 'pass';
    for (const pair of this.#pairs) {
      for (const chunk of pair.held) {
        this.releasedBytes += chunk.length;
        pair.upstream.write(chunk);
      }
      pair.held = [];
      if (pair.clientGone) pair.upstream.end();
    }
  }

  async close(): Promise<void> {
    this.cut();
    this.#server.close();
    await once(this.#server, 'close');
  }

  #accept(client: Socket): void {
    client.on('error', () => {});
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: this.#target });
    upstream.on('error', () => {});
    const pair: Pair = { client, upstream, held: [], clientGone: false };
    this.#pairs.add(pair);
    client.on('data', (chunk) => {
      if (this.mode === 'hold') pair.held.push(chunk);
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (this.mode !== 'drop-replies' && !pair.clientGone) client.write(chunk);
    });
    client.on('close', () => {
      pair.clientGone = true;
      // Held requests still go out on release(), as retransmitted segments would.
      if (pair.held.length === 0) {
        upstream.end();
        this.#pairs.delete(pair);
      }
    });
    upstream.on('close', () => {
      client.destroy();
      this.#pairs.delete(pair);
    });
  }
}
