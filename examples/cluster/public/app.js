// The cluster page. Two event streams:
// - /nodes/events, from the example's own server: the nodes' state (`nodes` events), for the panel and the
//   nodes' URLs. The page does not use it to notice that its node went away: a real client has no such
//   channel, so it finds out from its own connection, as below.
// - one hub node's /.well-known/mercure?topic=…: the numbered `tick` events. When that connection is lost and
//   not back within FAILOVER_MS, the page closes it and opens a new EventSource on the other node with
//   `lastEventID=<the last id it received>`. A native EventSource keeps its URL for life (it reconnects only
//   to the same one), so moving means a new EventSource, and the id it would have sent as Last-Event-ID
//   goes in the query instead (Mercure's `lastEventID` parameter). The other node reads the shared history,
//   replays every event published after that id, then carries on live.
import { EARLIEST, REPLAY_EVENT, showState, timeOfDay } from './sse-page.js';

/**
 * Milliseconds the page waits for its node to come back before it moves: long enough to ride out a blip, short
 * enough that a viewer sees the move at once. (The browser's own retry, about 3 s in Chromium, would only
 * knock on the same dead node again.)
 */
const FAILOVER_MS = 1000;
/** Entries kept in the log, so a page left open for a day stays small (the counters count everything). */
const LOG_LIMIT = 500;

const params = new URLSearchParams(location.search);
const log = document.getElementById('log');
const stateOutput = document.getElementById('state');
const onOutput = document.getElementById('on');
const controlError = document.getElementById('control-error');

/** The last state the example's server sent: { run, topic, prefix, nodes: { a: { state, url, pid }, b } }. */
let cluster = null;
/** The node this page subscribes to, and its EventSource. */
let current = null;
let failoverTimer;
/** The id and number of the last tick received: where the next node's replay starts. */
let lastId = null;
const counts = { received: 0, first: null, last: null, missed: 0, duplicates: 0, moves: 0 };

const otherNode = (name) => (name === 'a' ? 'b' : 'a');

const status = new EventSource('/nodes/events');
status.addEventListener('nodes', (event) => {
  const next = JSON.parse(event.data);
  // The example was restarted: new hubs on new ports, a new history. Start over.
  if (cluster !== null && next.run !== cluster.run) {
    location.reload();
    return;
  }
  cluster = next;
  showNodes();
  if (current === null) {
    const asked = params.get('node');
    connect(asked === 'a' || asked === 'b' ? asked : Math.random() < 0.5 ? 'a' : 'b');
  }
});

function connect(name) {
  const url = new URL('/.well-known/mercure', cluster.nodes[name].url);
  url.searchParams.set('topic', cluster.topic);
  if (lastId !== null) url.searchParams.set('lastEventID', lastId);
  const source = new EventSource(url);
  current = { name, source };
  showState(source, stateOutput);
  onOutput.textContent = `node ${name}`;
  onOutput.dataset.node = name;
  showNodes();

  source.addEventListener('open', () => clearTimeout(failoverTimer));
  source.addEventListener('error', () => {
    if (current?.source !== source) return;
    // CLOSED: the browser gave up (the node answered with an error). CONNECTING: it will knock again on the
    // same node after its retry delay; give the node FAILOVER_MS to be back first.
    if (source.readyState === EventSource.CLOSED) moveFrom(source);
    else {
      clearTimeout(failoverTimer);
      failoverTimer = setTimeout(() => moveFrom(source), FAILOVER_MS);
    }
  });
  source.addEventListener('tick', (event) => received(event, name));
  source.addEventListener(REPLAY_EVENT, (event) => replayStarts(event, name));
}

function moveFrom(source) {
  if (current?.source !== source || source.readyState === EventSource.OPEN) return;
  clearTimeout(failoverTimer);
  source.close();
  const from = current.name;
  const to = otherNode(from);
  counts.moves++;
  document.getElementById('moves').textContent = String(counts.moves);
  const resume = counts.last === null ? '' : `, asking for what came after #${counts.last}`;
  note(`node ${from} is unreachable: moving to node ${to}${resume}`);
  connect(to);
}

function received(event, on) {
  let tick;
  try {
    tick = JSON.parse(event.data);
  } catch {
    return;
  }
  const n = tick.n;
  // The cluster delivers in one order everywhere, so each number is the last plus one; anything else is a
  // gap (some were skipped) or a repeat (a number not above the last).
  if (counts.last === null) counts.first = n;
  else if (n <= counts.last) counts.duplicates++;
  else if (n > counts.last + 1) counts.missed += n - counts.last - 1;
  if (counts.last === null || n > counts.last) counts.last = n;
  counts.received++;
  lastId = event.lastEventId;
  showCounts();

  const item = document.createElement('li');
  Object.assign(item.dataset, { id: event.lastEventId, n: String(n), via: tick.via, on });
  const time = document.createElement('time');
  time.textContent = timeOfDay();
  const number = document.createElement('strong');
  number.textContent = `#${n}`;
  item.append(time, ' ', number, ` published via node ${tick.via} · received on node ${on}`);
  prepend(item);
}

/** The hub's first event on a stream that asked for a replay: where the replay starts. */
function replayStarts(event, on) {
  let replay;
  try {
    replay = JSON.parse(event.data);
  } catch {
    return;
  }
  if (replay.lastEventId === EARLIEST && replay.requested !== EARLIEST) {
    note(`node ${on} no longer has the last event this page saw: what follows starts at the oldest it keeps`, 'gap');
  } else {
    note(`node ${on} replays from the shared history what came after #${counts.last}, then carries on live`);
  }
}

function note(text, className = 'note') {
  const item = document.createElement('li');
  item.className = className;
  item.textContent = `${timeOfDay()} — ${text}`;
  prepend(item);
}

function prepend(item) {
  log.prepend(item);
  while (log.children.length > LOG_LIMIT) log.lastElementChild.remove();
}

function showCounts() {
  for (const key of ['received', 'first', 'last', 'missed', 'duplicates']) {
    const cell = document.getElementById(key);
    cell.textContent = counts[key] === null ? '–' : String(counts[key]);
    if (key === 'missed' || key === 'duplicates') cell.dataset.bad = String(counts[key] > 0);
  }
}

function showNodes() {
  if (cluster === null) return;
  document.getElementById('prefix').textContent = cluster.prefix;
  for (const [name, node] of Object.entries(cluster.nodes)) {
    const card = document.getElementById(`node-${name}`);
    card.dataset.state = node.state;
    card.dataset.here = String(current?.name === name);
    const badge = card.querySelector('.node-state');
    badge.textContent = node.state;
    badge.dataset.state = node.state;
    card.querySelector('.node-url').textContent = node.url ?? '…';
    card.querySelector('.node-pid').textContent = node.pid === null ? '' : `pid ${node.pid}`;
    const running = node.state === 'up' || node.state === 'starting';
    for (const button of card.querySelectorAll('button')) {
      button.disabled = button.dataset.action === 'start' ? node.state !== 'down' : !running;
    }
  }
}

// The buttons call the example's control endpoints, which really stop (or kill) and start the hub process.
const ACTIONS = { stop: 'stop', kill: 'stop?signal=SIGKILL', start: 'start' };
for (const card of document.querySelectorAll('.node')) {
  card.addEventListener('click', async (event) => {
    const button = event.target.closest('button');
    if (button === null) return;
    button.disabled = true;
    controlError.hidden = true;
    try {
      const response = await fetch(`/nodes/${card.dataset.node}/${ACTIONS[button.dataset.action]}`, { method: 'POST' });
      if (!response.ok) throw new Error(await response.text());
    } catch (error) {
      controlError.textContent = error instanceof Error ? error.message : String(error);
      controlError.hidden = false;
    } finally {
      showNodes();
    }
  });
}
