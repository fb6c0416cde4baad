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
 * The event @tidings/server sends when the Last-Event-ID a page reconnected with is no longer in the
 * channel's history (the server restarted, or the page was away longer than the history lasts).
 */
export const RESET_EVENT = 'tidings-reset';

/**
 * Marks the gap in `list` when the server says the events the page missed are gone, so a reader knows
 * the list is not complete there. `where` is 'top' for newest-first lists, 'bottom' for oldest-first.
 */
export function showResets(source, list, where = 'top') {
  source.addEventListener(RESET_EVENT, () => {
    const item = document.createElement('li');
    item.className = 'gap';
    item.dataset.event = RESET_EVENT;
    item.textContent = `${timeOfDay()} — events sent while this page was away are no longer available (the server restarted, or they expired)`;
    if (where === 'top') list.prepend(item);
    else list.append(item);
  });
}
