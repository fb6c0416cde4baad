// Browser helpers shared by the example pages (plain ES module, no dependencies, no build step):
// the connection state read from EventSource.readyState, and a log of the events as they arrive.

/** [spec] EventSource.readyState: CONNECTING = 0, OPEN = 1, CLOSED = 2. */
const STATE_NAMES = ['connecting', 'open', 'closed'];

/** The log keeps the newest entries only, so a page left open for a day stays small. */
export const LOG_LIMIT = 200;

/**
 * Shows `source.readyState` in `element` (text and a data-state attribute for styling and tests).
 * The browser fires `open` when a connection is established and `error` when it is lost (readyState is then
 * CONNECTING while it waits to reconnect, or CLOSED when it gave up), so those two events cover every change.
 */
export function showState(source, element) {
  const update = () => {
    const name = STATE_NAMES[source.readyState] ?? 'unknown';
    element.textContent = name;
    element.dataset.state = name;
  };
  source.addEventListener('open', update);
  source.addEventListener('error', update);
  update();
}

/** The local time of day with milliseconds, for "arrived at" columns. */
export function timeOfDay(date = new Date()) {
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * Adds one received event at the top of `list` (a <ul>): arrival time, id, type and a short text.
 * The id is the one the browser will send back as Last-Event-ID after a reconnect.
 */
export function logEvent(list, event, text = event.data) {
  const item = document.createElement('li');
  item.dataset.id = event.lastEventId;
  item.dataset.event = event.type;
  const time = document.createElement('time');
  time.textContent = timeOfDay();
  const code = document.createElement('code');
  code.textContent = `#${event.lastEventId} ${event.type}`;
  item.append(time, ' ', code, ' ', text);
  list.prepend(item);
  while (list.children.length > LOG_LIMIT) list.lastElementChild.remove();
}

/**
 * The event @tidings/server sends first to a page that reconnected with a Last-Event-ID, before the events
 * it missed: data `{"lastEventId":"<anchor>","requested":"<the id the page sent>"}`. The anchor is the id
 * the replay continues after, or `earliest` when the server no longer knows the page's id (it restarted,
 * or the page was away longer than the history lasts): the replay then starts at the oldest event the
 * server still has, and whatever was sent between the page's id and that event is gone. The event has no
 * id, so it does not change the Last-Event-ID the browser sends next time.
 */
export const REPLAY_EVENT = 'tidings-replay';

/** The anchor of a replay that lost the page's place (and the id that asks for the whole history). */
export const EARLIEST = 'earliest';

/**
 * Calls `onLost(replay)` when the server says it lost the page's place: the events that follow are the
 * oldest it still has, not the ones right after what the page shows. A page that asked for the whole
 * history itself (`requested` is `earliest`) lost nothing.
 */
export function onPlaceLost(source, onLost) {
  source.addEventListener(REPLAY_EVENT, (event) => {
    let replay;
    try {
      replay = JSON.parse(event.data);
    } catch {
      return; // Not the server's event: nothing to act on.
    }
    if (replay?.lastEventId === EARLIEST && replay.requested !== EARLIEST) onLost(replay);
  });
}

/**
 * Marks the gap in `list` when the server lost the page's place, so a reader knows the list is not
 * complete there. `where` is 'top' for newest-first lists, 'bottom' for oldest-first.
 */
export function showGaps(source, list, where = 'top') {
  onPlaceLost(source, () => {
    const item = document.createElement('li');
    item.className = 'gap';
    item.dataset.event = REPLAY_EVENT;
    item.textContent = `${timeOfDay()} — some events sent while this page was away may be missing (the server restarted, or they expired); what follows starts at the oldest event the server still has`;
    if (where === 'top') list.prepend(item);
    else list.append(item);
  });
}
