// The soak's load generator, a process of its own (bench/soak.mjs forks one per 15,000 subscribers: one
// process may hold 20,000 open files here). It holds its share of the subscriptions on raw sockets (see
// shared/raw-stream.mjs), spread over 127.0.0.2-101 as source addresses, drops some of them on purpose
// (churn) and reconnects them with the Last-Event-ID of the last event each got, as EventSource does.
// Every event is checked (sequence-check.mjs): its number in the data says which update it is, and across
// all of its connections each subscriber must get every update of its selector exactly once, in order. A
// reconnect must start with the in-band `tidings-replay` event naming the id it sent (`earliest` would
// mean the hub lost it, and maybe updates with it); each event's id must be the one its publish was
// answered with (the parent sends those once a second). Messages from the parent:
//   {type: 'connect', subscribers: [[index, selector], ...]}  open them (no Last-Event-ID yet), in batches;
//                                                              answers 'connected' once all are live
//   {type: 'churn', perSecond}      start dropping that many live subscribers a second, at random, each
//                                   one way of three: `end` (a FIN; the hub must close its side), `destroy`
//                                   (the socket is gone; later bytes from the hub meet a RST) or `reset`
//                                   (a RST at once); each reconnects after RECONNECT_MIN_MS..MAX_MS
//   {type: 'ids', from, ids}        the ids the publisher was answered with, updates from..from+n-1
//   {type: 'sample'}                answers 'sample': counters so far, the window's latency histogram
//   {type: 'quiesce'}               stop the churn; answers 'quiet' once every subscriber is live again
//   {type: 'end', total}            updates 0..total-1 were published: answers 'report' once every
//                                   subscriber has all of its own (or after END_TIMEOUT_MS), then exits.
// Latency: publish time (carried in the data, performance.timeOrigin + performance.now(), comparable
// across processes) to the read, for events published after their connection's response head arrived
// (replayed events would measure the reconnect delay, not the hub).
import { createEventReader } from '../shared/event-reader.mjs';
import { openStream } from '../shared/raw-stream.mjs';
import { LatencyHistogram } from './latency-histogram.mjs';
import { createSequenceCheck } from './sequence-check.mjs';

const hub = new URL(process.env.HUB_URL);
const TOPICS = Number(process.env.TOPICS);
const TOPIC_BASE = process.env.TOPIC_BASE;
const RECONNECT_MIN_MS = Number(process.env.RECONNECT_MIN_MS);
const RECONNECT_MAX_MS = Number(process.env.RECONNECT_MAX_MS);
/** Source addresses 127.0.0.2 .. 127.0.0.(1 + this): no address runs out of ephemeral ports. */
const SOURCE_ADDRESSES = 100;
/** Subscriptions opened at once while connecting (the hub's listen backlog is 511). */
const CONNECT_BATCH = 250;
/** The churn's clock, ms: each tick drops perSecond * tick / 1000 subscribers (fractions carried). */
const CHURN_TICK_MS = 100;
/** After a FIN, how long the hub may take to close its side before it counts as not closed. */
const FIN_CLOSE_TIMEOUT_MS = 10_000;
/** The longest wait, once publishing stopped, for every subscriber to have all of its updates. */
const END_TIMEOUT_MS = 30_000;
const MODES = ['end', 'destroy', 'reset'];
const now = () => performance.timeOrigin + performance.now();
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

// A small seeded generator (mulberry32), so that a run's churn can be repeated with the same SEED.
let seed = Number(process.env.SEED) >>> 0;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const subscribers = [];
const totals = {
  connects: 0,
  reconnects: { end: 0, destroy: 0, reset: 0 },
  failedConnects: 0,
  failedReconnects: 0,
  unexpectedCloses: 0,
  finNotClosed: 0,
  replayEvents: 0,
  earliest: 0,
  badReplay: 0,
  wrongIds: 0,
  failures: {},
};
let latency = new LatencyHistogram();
/** ids[g]: the id update g's publish was answered with; pending: [g, id] pairs read before it was known. */
const ids = [];
let pending = [];
let churnTimer = null;
let churnOwed = 0;
let quiescing = false;

function selectorPath(selector) {
  const topic = selector === '*' ? '*' : selector === 'template' ? `${TOPIC_BASE}{n}` : `${TOPIC_BASE}${selector}`;
  return `${hub.pathname}?topic=${encodeURIComponent(topic)}`;
}

function checkId(g, id) {
  if (g < ids.length) {
    if (ids[g] !== id) totals.wrongIds++;
  } else pending.push(g, id);
}

function fail(s, reason) {
  totals.failures[reason] = (totals.failures[reason] ?? 0) + 1;
  if (s.connections === 1) totals.failedConnects++;
  else totals.failedReconnects++;
}

function onEvent(s, id, type, data) {
  if (type === 'tidings-replay') {
    totals.replayEvents++;
    let info = null;
    try {
      info = JSON.parse(data);
    } catch {}
    if (!s.expectReplay || s.gotReplay) totals.badReplay++;
    else if (info?.lastEventId === 'earliest') totals.earliest++;
    else if (info?.lastEventId !== s.requested || info?.requested !== s.requested) totals.badReplay++;
    s.gotReplay = true;
    s.state = 'live';
    return;
  }
  if (s.expectReplay && !s.gotReplay) totals.badReplay++; // an event before the replay event
  let update = null;
  try {
    update = JSON.parse(data);
  } catch {}
  const g = update?.seq;
  const outcome = s.check.see(g);
  if (outcome === 'extra') return;
  checkId(g, id);
  if (outcome === 'duplicate') return; // resuming from it would ask for what came after it again
  s.lastId = id;
  if (update.t >= s.headAt) latency.add(now() - update.t);
}

function connect(s) {
  s.connections++;
  s.state = 'connecting';
  s.requested = s.lastId;
  s.expectReplay = s.lastId !== '';
  s.gotReplay = false;
  s.dropping = null;
  s.headAt = Number.POSITIVE_INFINITY;
  s.failed = null;
  const headers = { accept: 'text/event-stream' };
  if (s.expectReplay) headers['last-event-id'] = s.lastId;
  const feed = createEventReader((id, type, data) => onEvent(s, id, type, data));
  const socket = openStream(
    {
      host: hub.hostname,
      port: Number(hub.port),
      path: s.path,
      headers,
      localAddress: `127.0.0.${2 + (s.index % SOURCE_ADDRESSES)}`,
    },
    {
      onHead: (status) => {
        if (status !== 200) {
          s.failed = `status ${status}`;
          socket.destroy();
          return;
        }
        s.headAt = now();
        if (!s.expectReplay) s.state = 'live';
      },
      onText: feed,
      onClose: (error) => onClose(s, error),
    },
  );
  s.socket = socket;
}

function onClose(s, error) {
  clearTimeout(s.finTimer);
  if (s.dropping === null) {
    // Not asked for: the connection failed, or the hub ended a live stream.
    if (s.state === 'connecting') fail(s, s.failed ?? error?.code ?? 'closed before live');
    else totals.unexpectedCloses++;
  }
  s.state = 'waiting';
  s.socket = null;
  const delay = RECONNECT_MIN_MS + random() * (RECONNECT_MAX_MS - RECONNECT_MIN_MS);
  setTimeout(() => connect(s), delay);
}

function drop(s, mode) {
  s.dropping = mode;
  totals.reconnects[mode]++;
  if (mode === 'end') {
    s.socket.end();
    s.finTimer = setTimeout(() => {
      totals.finNotClosed++;
      s.socket?.destroy();
    }, FIN_CLOSE_TIMEOUT_MS);
  } else if (mode === 'destroy') s.socket.destroy();
  else s.socket.resetAndDestroy();
}

function churnTick(perSecond) {
  churnOwed += (perSecond * CHURN_TICK_MS) / 1000;
  while (churnOwed >= 1) {
    churnOwed--;
    // A live subscriber that has had an event (without an id it could only start over), at random.
    for (let tries = 0; tries < 20; tries++) {
      const s = subscribers[Math.floor(random() * subscribers.length)];
      if (s.state === 'live' && s.lastId !== '' && s.dropping === null) {
        drop(s, MODES[Math.floor(random() * MODES.length)]);
        break;
      }
    }
  }
}

const count = (state) => subscribers.reduce((n, s) => n + (s.state === state ? 1 : 0), 0);
const sum = (field) => subscribers.reduce((n, s) => n + s.check[field], 0);

function counters() {
  return {
    ...totals,
    cpuMs: cpuMs(),
    live: count('live'),
    connecting: count('connecting'),
    waiting: count('waiting'),
    events: sum('events'),
    gaps: sum('gaps'),
    duplicates: sum('duplicates'),
    extras: sum('extras'),
  };
}

/** Resolves once `done()` holds, checked every 50 ms, or after `timeoutMs` (false then). */
async function until(done, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

process.on('message', async (message) => {
  if (message.type === 'connect') {
    for (const [index, selector] of message.subscribers) {
      const wildcard = selector === '*' || selector === 'template';
      subscribers.push({
        index,
        path: selectorPath(selector),
        check: createSequenceCheck(wildcard ? { first: 0, step: 1 } : { first: selector, step: TOPICS }),
        lastId: '',
        requested: '',
        state: 'waiting',
        connections: 0,
        expectReplay: false,
        gotReplay: false,
        dropping: null,
        finTimer: null,
        headAt: Number.POSITIVE_INFINITY,
        socket: null,
        failed: null,
      });
    }
    for (let at = 0; at < subscribers.length; at += CONNECT_BATCH) {
      const batch = subscribers.slice(at, at + CONNECT_BATCH);
      for (const s of batch) connect(s);
      await until(() => batch.every((s) => s.state === 'live'), 60_000);
    }
    totals.connects = subscribers.length;
    process.send({ type: 'connected', live: count('live'), counters: counters() });
  } else if (message.type === 'churn') {
    churnTimer = setInterval(() => churnTick(message.perSecond), CHURN_TICK_MS);
  } else if (message.type === 'ids') {
    for (let i = 0; i < message.ids.length; i++) ids[message.from + i] = message.ids[i];
    const still = [];
    for (let i = 0; i < pending.length; i += 2) {
      if (pending[i] < ids.length && ids[pending[i]] !== undefined) {
        if (ids[pending[i]] !== pending[i + 1]) totals.wrongIds++;
      } else still.push(pending[i], pending[i + 1]);
    }
    pending = still;
  } else if (message.type === 'sample') {
    process.send({ type: 'sample', counters: counters(), latency: latency.toJSON() });
    latency = new LatencyHistogram();
  } else if (message.type === 'quiesce') {
    quiescing = true;
    clearInterval(churnTimer);
    const quiet = await until(() => subscribers.every((s) => s.state === 'live'), END_TIMEOUT_MS);
    process.send({ type: 'quiet', quiet, counters: counters() });
  } else if (message.type === 'end') {
    const { total } = message;
    const caughtUp = await until(() => subscribers.every((s) => s.check.missing(total) === 0), END_TIMEOUT_MS);
    const behind = subscribers.filter((s) => s.check.missing(total) > 0);
    process.send({
      type: 'report',
      caughtUp,
      quiescing,
      behind: behind.length,
      missingAtEnd: behind.reduce((n, s) => n + s.check.missing(total), 0),
      unresolvedIds: pending.length / 2,
      counters: counters(),
      latency: latency.toJSON(),
    });
    for (const s of subscribers) s.socket?.destroy();
    setImmediate(() => process.exit(0));
  }
});
process.send({ type: 'ready' });
