// The storm's load generator, a process of its own. On {type: 'storm'} from the parent it opens every
// subscription at once (one synchronous loop of raw-socket GETs, see shared/raw-stream.mjs, spread over
// 127.0.0.x source addresses so that no address runs out of ports), subscriber i with
// `Last-Event-ID: lastIds[i]`, and follows each stream:
//   - the first event must be `event: tidings-replay` with data {"lastEventId": lastIds[i], "requested":
//     lastIds[i]} (an `earliest` anchor means the hub lost the id: counted as a failure);
//   - then it must get seq first[i], first[i] + 1, ..., total - 1 (the seq is in each event's data), each
//     once, in order, each with the id the publisher was given for it; a skipped seq is a gap, a seq at or
//     below one already seen a duplicate, a seq not published an extra, an id that is not the published
//     one a wrong id.
// A subscriber is caught up when it has seq total - 1 (or, expecting nothing, its replay event). When all
// are (or TIMEOUT passed) it sends {type: 'caught-up'} with the times; on {type: 'report', ids} (every
// published id, live ones included; the parent waits a little first so that late duplicates show) it
// checks the ids of the live events, sends the counts and exits.
import { createEventReader } from '../shared/event-reader.mjs';
import { openStream } from '../shared/raw-stream.mjs';

const url = new URL(process.env.URL);
const SOURCE_ADDRESSES = 100;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

let subscribers = [];
let waiting = 0;
let t0 = 0;
let cpu0 = 0;
let caughtUpSent = false;
let deadline = null;
let historyIds = [];

/** `{"seq":N,...}` → N, without a JSON parse (the reader's hot path). */
const seqOf = (data) => (data.startsWith('{"seq":') ? Number.parseInt(data.slice(7), 10) : Number.NaN);

function settle(s) {
  if (s.settled) return;
  s.settled = true;
  waiting--;
  if (waiting === 0) sendCaughtUp();
}

function onEvent(s, id, type, data) {
  const now = performance.now();
  if (type === 'tidings-replay') {
    s.replayEvents++;
    let info = null;
    try {
      info = JSON.parse(data);
    } catch {}
    if (s.replayEvents > 1 || info?.lastEventId !== s.lastId || info?.requested !== s.lastId) s.badReplay++;
    if (s.next === s.total && s.caughtAt === null) {
      s.caughtAt = now - t0;
      settle(s);
    }
    return;
  }
  s.events++;
  if (s.replayEvents === 0) s.badReplay++; // events before the replay event (or none at all)
  const seq = seqOf(data);
  if (!(seq >= 0 && seq < s.total)) {
    s.extras++;
    return;
  }
  if (seq < s.next) {
    s.duplicates++;
    return;
  }
  if (seq > s.next) s.gaps += seq - s.next;
  s.next = seq + 1;
  if (seq < historyIds.length) {
    if (historyIds[seq] !== id) s.wrongIds++;
  } else s.liveIds.push(seq, id);
  if (s.next === s.total && s.caughtAt === null) {
    s.caughtAt = now - t0;
    settle(s);
  }
}

function open(s) {
  const feed = createEventReader((id, type, data) => onEvent(s, id, type, data));
  s.socket = openStream(
    {
      host: url.hostname,
      port: Number(url.port),
      path: url.pathname + url.search,
      headers: { accept: 'text/event-stream', 'last-event-id': s.lastId },
      localAddress: `127.0.0.${2 + (s.index % SOURCE_ADDRESSES)}`,
    },
    {
      onHead: (status) => {
        s.headersAt = performance.now() - t0;
        if (status !== 200) {
          s.failure = `status ${status}`;
          s.socket.destroy();
        }
      },
      onText: feed,
      onClose: (error) => {
        if (s.caughtAt === null && s.failure === null) s.failure = error?.code ?? 'closed';
        else if (s.caughtAt !== null) s.closedAfter = true;
        settle(s);
      },
    },
  );
}

function sendCaughtUp() {
  if (caughtUpSent) return;
  caughtUpSent = true;
  clearTimeout(deadline);
  const wallMs = performance.now() - t0;
  const cpu = cpuMs() - cpu0;
  const caught = subscribers.filter((s) => s.caughtAt !== null);
  const times = Float64Array.from(caught, (s) => s.caughtAt).sort();
  const headers = Float64Array.from(
    subscribers.filter((s) => s.headersAt !== null),
    (s) => s.headersAt,
  ).sort();
  process.send({
    type: 'caught-up',
    wallMs,
    caughtUp: caught.length,
    totalMs: caught.length === subscribers.length ? times.at(-1) : Number.NaN,
    times: Array.from(times),
    headersP50: headers[Math.floor(headers.length / 2)] ?? Number.NaN,
    headersMax: headers.at(-1) ?? Number.NaN,
    loadCpuMs: cpu,
  });
}

function report(ids) {
  let wrongIds = 0;
  for (const s of subscribers) {
    for (let i = 0; i < s.liveIds.length; i += 2) if (ids[s.liveIds[i]] !== s.liveIds[i + 1]) wrongIds++;
  }
  const sum = (field) => subscribers.reduce((n, s) => n + s[field], 0);
  const failures = {};
  for (const s of subscribers) {
    if (s.failure !== null) failures[s.failure] = (failures[s.failure] ?? 0) + 1;
    if (s.caughtAt === null && s.failure === null) failures.incomplete = (failures.incomplete ?? 0) + 1;
  }
  process.send({
    type: 'report',
    events: sum('events'),
    // Gaps inside a stream: the hub skipped updates and went on (silent loss). Separate from what failed
    // subscriptions did not get (those clients saw a non-200 answer or their stream end, and know it).
    gaps: sum('gaps'),
    undelivered: subscribers.reduce((n, s) => n + (s.caughtAt === null ? s.total - s.next : 0), 0),
    duplicates: sum('duplicates'),
    extras: sum('extras'),
    wrongIds: sum('wrongIds') + wrongIds,
    badReplay: subscribers.filter((s) => s.badReplay > 0).length,
    closedAfterCaughtUp: subscribers.filter((s) => s.closedAfter).length,
    failures,
  });
  for (const s of subscribers) s.socket.destroy();
  setImmediate(() => process.exit(0));
}

process.on('message', (message) => {
  if (message.type === 'storm') {
    const { lastIds, first, total, timeoutMs } = message;
    historyIds = message.ids;
    subscribers = lastIds.map((lastId, index) => ({
      index,
      lastId,
      next: first[index],
      total,
      caughtAt: null,
      headersAt: null,
      settled: false,
      failure: null,
      closedAfter: false,
      replayEvents: 0,
      badReplay: 0,
      events: 0,
      gaps: 0,
      duplicates: 0,
      extras: 0,
      wrongIds: 0,
      liveIds: [],
      socket: null,
    }));
    waiting = subscribers.length;
    deadline = setTimeout(sendCaughtUp, timeoutMs);
    t0 = performance.now();
    cpu0 = cpuMs();
    // At once: every request is started in this one loop, before any answer can be read.
    for (const s of subscribers) open(s);
  } else if (message.type === 'total') {
    // Fewer live updates than planned were published (one was refused): the end moves back.
    for (const s of subscribers) {
      s.total = message.total;
      if (s.next >= s.total && s.caughtAt === null && s.replayEvents > 0 && s.failure === null) {
        s.caughtAt = performance.now() - t0;
        settle(s);
      }
    }
  } else if (message.type === 'report') {
    report(message.ids);
  }
});
process.send({ type: 'ready' });
