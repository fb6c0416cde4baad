// Helpers shared by the demo pages (plain ES module): subscribe to a demo topic on the hub with the
// browser's native EventSource, show the connection state, and log the events as they arrive.
import { formatTime } from '/dashboard/format.js';

/** [spec] EventSource.readyState: CONNECTING = 0, OPEN = 1, CLOSED = 2. */
const STATE_NAMES = ['connecting', 'open', 'closed'];
/** The log keeps the newest entries only, so a page left open for a day stays small. */
export const LOG_LIMIT = 100;

/** The id that asks the hub for its whole history, and the anchor of a replay that lost the page's place. */
const EARLIEST = 'earliest';

/**
 * Opens the hub's subscription for `topic`, showing its state in #state. With `history`, the page first
 * gets what the demos' hub still keeps of the topic (`lastEventID=earliest`), then the live updates; after a
 * reconnect the browser's Last-Event-ID header, which wins over the parameter, asks for what it missed.
 */
export function subscribe(topic, { history = false } = {}) {
  // The demos' own hub, beside the real one: nothing the demos send reaches the real history.
  const url = new URL('/demo/hub', location.href);
  url.searchParams.set('topic', topic);
  if (history) url.searchParams.set('lastEventID', EARLIEST);
  const source = new EventSource(url);
  const element = document.getElementById('state');
  // `open` and `error` fire on every change of readyState, so these two listeners see them all.
  const update = () => {
    const name = STATE_NAMES[source.readyState] ?? 'unknown';
    element.textContent = name;
    element.dataset.state = name;
    if (source.readyState === EventSource.CLOSED) {
      element.textContent = "closed (the demos' hub refused the subscription)";
    }
  };
  source.addEventListener('open', update);
  source.addEventListener('error', update);
  update();
  return source;
}

/** The local time of day, for "arrived at" columns: the dashboard's one format. */
export const timeOfDay = formatTime;

/**
 * Calls `onLost()` when the hub says it no longer knew the id the page reconnected with (the `tidings-replay`
 * event with the anchor `earliest`, say after the hub restarted): what follows is the oldest it still has.
 */
export function onPlaceLost(source, onLost) {
  source.addEventListener('tidings-replay', (event) => {
    let replay;
    try {
      replay = JSON.parse(event.data);
    } catch {
      return;
    }
    if (replay?.lastEventId === EARLIEST && replay.requested !== EARLIEST) onLost();
  });
}

/** Adds one received event at the top of #log: arrival time, id, type and a short text. */
export function logEvent(event, text = event.data) {
  const list = document.getElementById('log');
  const item = document.createElement('li');
  item.dataset.id = event.lastEventId;
  item.dataset.type = event.type;
  const time = document.createElement('time');
  time.textContent = timeOfDay();
  const code = document.createElement('code');
  code.textContent = `${event.type}`;
  item.append(time, ' ', code, ' ', text);
  list.prepend(item);
  while (list.children.length > LOG_LIMIT) list.lastElementChild.remove();
}
