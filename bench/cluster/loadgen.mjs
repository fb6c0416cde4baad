// The cluster bench's load generator, a process of its own: opens SUBSCRIBERS streams on one topic,
// subscriber i on URLS[i % URLS.length] (the nodes of a cluster alternate), from 100 source addresses
// 127.0.0.2-101 (raw sockets, see shared/raw-stream.mjs), says "connected", then records every event each subscriber gets: the publisher and
// number carried in its data (`{"p":P,"k":K,"t":T,...}`; T is the publish time, ms since the epoch from
// performance.timeOrigin + performance.now(), comparable across processes on one machine) and, for the
// first subscriber of each node, the event id. Between "start" and "stop" it counts deliveries per node and
// latencies (now - T) and its own CPU time. On {type: 'verify', accepted: [[key, id], ...]} (key = P * 1e7
// + K, every publish answered 200) it checks each subscriber: every accepted update once, nothing else,
// in the order of the reference subscriber (the first on the first node), ids as the publishers were told.
import { createEventReader } from '../shared/event-reader.mjs';
import { openStream } from '../shared/raw-stream.mjs';

const urls = process.env.URLS.split(',').map((u) => new URL(u));
const SUBSCRIBERS = Number(process.env.SUBSCRIBERS);
const SOURCE_ADDRESSES = 100;
/** Streams opened at a time (a burst of thousands of SYNs would overflow the listen backlog). */
const OPEN_BATCH = 500;
const KEY_BASE = 1e7;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const systemMs = () => process.cpuUsage().system / 1000;

const subscribers = [];
let events = 0;
let counting = false;
let windowStart = 0;
let cpuAtStart = 0;
let systemAtStart = 0;
const delivered = urls.map(() => 0);
/** HTTP chunks received per node in the window: the hub's socket writes (one write carries one or more events). */
const writes = urls.map(() => 0);
const latencies = [];
let unparsed = 0;

function onEvent(s, id, data) {
  const now = performance.timeOrigin + performance.now();
  // {"p":P,"k":K,"t":T,"pad":"..."}: read by offset, not JSON.parse (the hot path of this process).
  const k = data.indexOf(',"k":', 5);
  const t = data.indexOf(',"t":', k);
  if (!data.startsWith('{"p":') || k < 0 || t < 0) {
    unparsed++;
    return;
  }
  const key = Number.parseInt(data.slice(5, k), 10) * KEY_BASE + Number.parseInt(data.slice(k + 5, t), 10);
  s.keys.push(key);
  if (s.ids !== null) s.ids.push(id);
  events++;
  if (counting) {
    delivered[s.node]++;
    latencies.push(now - Number.parseFloat(data.slice(t + 5)));
  }
}

function open(index) {
  const node = index % urls.length;
  const url = urls[node];
  // The first subscriber of each node keeps its ids too, to check them against the publishers' answers.
  const s = { index, node, keys: [], ids: index < urls.length ? [] : null, closed: false, socket: null };
  subscribers.push(s);
  return new Promise((resolve) => {
    const feed = createEventReader((id, type, data) => {
      if (type === '') onEvent(s, id, data);
    });
    s.socket = openStream(
      {
        host: url.hostname,
        port: Number(url.port),
        path: url.pathname + url.search,
        headers: { accept: 'text/event-stream' },
        localAddress: `127.0.0.${2 + (index % SOURCE_ADDRESSES)}`,
      },
      {
        onHead: (status) => {
          if (status !== 200) {
            s.failed = `status ${status}`;
            s.socket.destroy();
          }
          resolve();
        },
        onText: (text) => {
          if (counting) writes[node]++;
          feed(text);
        },
        onClose: (error) => {
          if (error && s.failed === undefined) s.failed = error.code ?? 'error';
          s.closed = true;
          resolve();
        },
      },
    );
  });
}

function verify(accepted) {
  const idOf = new Map(accepted);
  const ref = subscribers[0].keys;
  const refIndex = new Map();
  for (let i = 0; i < ref.length; i++) if (!refIndex.has(ref[i])) refIndex.set(ref[i], i);
  let missing = 0;
  let duplicates = 0;
  let extras = 0;
  let orderViolations = 0;
  let complete = 0;
  for (const s of subscribers) {
    const seen = new Set();
    let dups = 0;
    let extra = 0;
    let last = -1;
    let outOfOrder = false;
    for (const key of s.keys) {
      if (seen.has(key)) {
        dups++;
        continue;
      }
      seen.add(key);
      if (!idOf.has(key)) extra++;
      // Relative order of what both have: the reference's index must only grow.
      const at = refIndex.get(key);
      if (at !== undefined) {
        if (at < last) outOfOrder = true;
        last = at;
      }
    }
    const got = seen.size - extra;
    missing += idOf.size - got;
    duplicates += dups;
    extras += extra;
    if (outOfOrder) orderViolations++;
    if (dups === 0 && extra === 0 && got === idOf.size && !outOfOrder) complete++;
  }
  // Each publisher sends its next update only after the previous one's 200, so its numbers must grow in log order.
  const lastK = new Map();
  let publisherInversions = 0;
  for (const key of ref) {
    const p = Math.floor(key / KEY_BASE);
    const k = key % KEY_BASE;
    if (lastK.has(p) && k < lastK.get(p)) publisherInversions++;
    lastK.set(p, k);
  }
  let wrongIds = 0;
  for (const s of subscribers) {
    if (s.ids === null) continue;
    for (let i = 0; i < s.keys.length; i++) if (idOf.has(s.keys[i]) && idOf.get(s.keys[i]) !== s.ids[i]) wrongIds++;
  }
  // Same order on every node: the first subscriber of each node against the reference, element by element.
  const nodeOrdersEqual = subscribers
    .filter((s) => s.ids !== null)
    .every((s) => s.keys.length === ref.length && s.keys.every((key, i) => key === ref[i]));
  return {
    accepted: idOf.size,
    events,
    complete,
    missing,
    duplicates,
    extras,
    orderViolations,
    publisherInversions,
    wrongIds,
    nodeOrdersEqual,
    unparsed,
    failed: subscribers.filter((s) => s.failed !== undefined).length,
    disconnected: subscribers.filter((s) => s.closed && s.failed === undefined).length,
  };
}

for (let i = 0; i < SUBSCRIBERS; i += OPEN_BATCH) {
  await Promise.all(Array.from({ length: Math.min(OPEN_BATCH, SUBSCRIBERS - i) }, (_, j) => open(i + j)));
}
process.send({ type: 'connected', failures: subscribers.filter((s) => s.failed !== undefined).length });

process.on('message', (message) => {
  if (message.type === 'start') {
    counting = true;
    windowStart = performance.now();
    cpuAtStart = cpuMs();
    systemAtStart = systemMs();
    latencies.length = 0;
    delivered.fill(0);
    writes.fill(0);
    process.send({ type: 'started' });
  } else if (message.type === 'stop') {
    counting = false;
    const seconds = (performance.now() - windowStart) / 1000;
    const cpu = cpuMs() - cpuAtStart;
    const sorted = Float64Array.from(latencies).sort();
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
    process.send({
      type: 'stopped',
      seconds,
      delivered,
      writes,
      p50: at(0.5),
      p99: at(0.99),
      max: sorted.at(-1) ?? Number.NaN,
      cpuPercent: (100 * cpu) / (seconds * 1000),
      systemPercent: (100 * (systemMs() - systemAtStart)) / (seconds * 1000),
    });
  } else if (message.type === 'count') {
    process.send({ type: 'count', events });
  } else if (message.type === 'verify') {
    process.send({ type: 'verified', ...verify(message.accepted) });
    for (const s of subscribers) s.socket.destroy();
    setImmediate(() => process.exit(0));
  }
});
