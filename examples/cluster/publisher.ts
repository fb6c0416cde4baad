// The events that flow through the cluster: numbered 1, 2, 3…, odd numbers published to node a and even
// numbers to node b (to the other one while a node is down), each as a `tick` update whose data says its
// number and the node it was published to: `{"n":12,"via":"b","at":"2026-01-01T12:00:00.000Z"}`.
//
// Each number has an id of its own, `<idPrefix><n>`, chosen here rather than by the hub. That makes a retry
// safe: when a node dies after it stored an update but before its answer arrived, the same update is sent
// to the other node, which answers 409 Conflict (the id is already in the shared history) instead of
// storing it twice. So every number is stored exactly once, and in order, whatever dies when.
import { createSigningKey, signJwt } from '@tidings/hub';
import type { HubNode, NodeName } from './hub-node.ts';

/** The update type (the SSE `event:` field) the page listens for. */
export const TICK_EVENT = 'tick';
/** Milliseconds one publish may take before it counts as failed (a node that stopped answering). */
export const PUBLISH_TIMEOUT_MS = 2_000;

/** The data of one tick. */
export interface Tick {
  readonly n: number;
  /** The node the update was published to. */
  readonly via: NodeName;
  /** When it was published (ISO 8601). */
  readonly at: string;
}

/** A tick that is stored in the cluster's history. */
export interface Published {
  readonly n: number;
  readonly id: string;
  /** The node whose copy is stored (after a lost answer and a 409, the first one's). */
  readonly via: NodeName;
}

export interface PublisherOptions {
  /** Node a and node b. */
  readonly nodes: readonly [HubNode, HubNode];
  readonly topic: string;
  /** The hubs' JWT secret (HS256), to sign the publisher's token. */
  readonly jwtKey: string;
  /** Start of every event id; the number follows. */
  readonly idPrefix: string;
}

export interface Publisher {
  /**
   * Publishes the next number and resolves it once stored, or null when no node took it (both down): the
   * same number is tried again next time, so the numbers stay consecutive. Calls run one after another.
   */
  publishNext(): Promise<Published | null>;
}

type Outcome = 'stored' | 'duplicate' | 'refused' | 'unknown';

export function createPublisher(options: PublisherOptions): Publisher {
  const { nodes, topic, idPrefix } = options;
  // A token that may publish to this one topic only.
  const token = signJwt({ mercure: { publish: [topic] } }, createSigningKey('HS256', options.jwtKey));
  let next = 1;
  /** The node of an attempt for `next` whose answer never came: it may have stored the update. */
  let maybeStoredBy: NodeName | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  async function send(node: HubNode, n: number): Promise<Outcome> {
    const url = node.liveUrl;
    if (url === null) return 'refused';
    const tick: Tick = { n, via: node.name, at: new Date().toISOString() };
    const body = new URLSearchParams({ topic, type: TICK_EVENT, id: `${idPrefix}${n}`, data: JSON.stringify(tick) });
    try {
      const response = await fetch(`${url}/.well-known/mercure`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body,
        signal: AbortSignal.timeout(PUBLISH_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (response.status === 200) return 'stored';
      if (response.status === 409) return 'duplicate';
      return 'refused';
    } catch {
      // The connection broke or timed out: the node may or may not have stored the update.
      return 'unknown';
    }
  }

  async function publish(): Promise<Published | null> {
    const n = next;
    const first = nodes[(n - 1) % 2]!;
    const other = nodes[n % 2]!;
    for (const node of [first, other]) {
      const outcome = await send(node, n);
      if (outcome === 'unknown') maybeStoredBy ??= node.name;
      if (outcome !== 'stored' && outcome !== 'duplicate') continue;
      const via = outcome === 'duplicate' && maybeStoredBy !== null ? maybeStoredBy : node.name;
      next++;
      maybeStoredBy = null;
      return { n, id: `${idPrefix}${n}`, via };
    }
    return null;
  }

  return {
    publishNext() {
      const result = queue.then(publish);
      queue = result.catch(() => {});
      return result;
    },
  };
}
