// Just enough of Redis's protocol (RESP2) for the benches' housekeeping, so they need no client library:
// the redis-server's pid (for its CPU time) and deleting a bench's own keys by prefix. Never FLUSH*: the
// machine's Redis is shared.
import { connect } from 'node:net';

export const REDIS_URL =
  process.env.TIDINGS_BENCH_REDIS_URL ?? process.env.TIDINGS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TIMEOUT_MS = 5_000;
/** SCAN rounds at most (COUNT 1000 each): a bench's prefix holds three keys, so this is far beyond need. */
const MAX_SCANS = 10_000;

/** Parses one RESP2 reply from `buffer` at `at`: [value, next offset], or null when incomplete. */
function parseReply(buffer, at) {
  const end = buffer.indexOf('\r\n', at);
  if (end < 0) return null;
  const type = String.fromCharCode(buffer[at]);
  const head = buffer.toString('utf8', at + 1, end);
  if (type === '+') return [head, end + 2];
  if (type === '-') return [new Error(head), end + 2];
  if (type === ':') return [Number(head), end + 2];
  if (type === '$') {
    const length = Number(head);
    if (length < 0) return [null, end + 2];
    if (buffer.length < end + 2 + length + 2) return null;
    return [buffer.toString('utf8', end + 2, end + 2 + length), end + 2 + length + 2];
  }
  if (type === '*') {
    const count = Number(head);
    if (count < 0) return [null, end + 2];
    const items = [];
    let next = end + 2;
    for (let i = 0; i < count; i++) {
      const item = parseReply(buffer, next);
      if (item === null) return null;
      items.push(item[0]);
      next = item[1];
    }
    return [items, next];
  }
  throw new Error(`unexpected redis reply type ${type}`);
}

/** Opens a connection: `send(...args)` resolves one reply; `close()`. */
export function redisConnection(url = REDIS_URL) {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
  socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('redis did not answer in time')));
  const waiting = [];
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const reply = waiting.length > 0 ? parseReply(buffer, 0) : null;
      if (reply === null) break;
      buffer = buffer.subarray(reply[1]);
      const { resolve, reject } = waiting.shift();
      if (reply[0] instanceof Error) reject(reply[0]);
      else resolve(reply[0]);
    }
  });
  socket.on('error', (error) => {
    for (const { reject } of waiting.splice(0)) reject(error);
  });
  const send = (...args) =>
    new Promise((resolve, reject) => {
      waiting.push({ resolve, reject });
      let command = `*${args.length}\r\n`;
      for (const arg of args) command += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
      socket.write(command);
    });
  return { send, close: () => socket.end() };
}

/** The redis-server's process id (from INFO server), or null when it is not on this machine's /proc. */
export async function redisServerPid(url = REDIS_URL) {
  const redis = redisConnection(url);
  try {
    const info = await redis.send('INFO', 'server');
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    return Number.isSafeInteger(pid) ? pid : null;
  } finally {
    redis.close();
  }
}

/** Deletes every key starting with `prefix` (a bench's own); resolves how many went. */
export async function deleteKeys(prefix, url = REDIS_URL) {
  if (prefix.length < 8 || !prefix.startsWith('tidings-bench:')) throw new Error(`not a bench prefix: ${prefix}`);
  const redis = redisConnection(url);
  let deleted = 0;
  try {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    for (let i = 0; i < MAX_SCANS; i++) {
      const [next, keys] = await redis.send('SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000');
      if (keys.length > 0) deleted += await redis.send('DEL', ...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.close();
  }
  return deleted;
}
