// Helpers shared by the demo pages (plain ES module): subscribe to a demo topic on the hub with the
// browser's native EventSource, show the connection state, and log the events as they arrive.

/** [spec] EventSource.readyState: CONNECTING = 0, OPEN = 1, CLOSED = 2. */
const STATE_NAMES = ['connecting', 'open', 'closed'];
/** The log keeps the newest entries only, so a page left open for a day stays small. */
export const LOG_LIMIT = 100;

/** Opens the hub's subscription for `topic`, showing its state in #state. */
export function subscribe(topic) {
  // The demos' own hub, beside the real one: nothing the demos send reaches the real history.
  const url = new URL('/demo/hub', location.href);
  url.searchParams.set('topic', topic);
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

/** The local time of day, for "arrived at" columns. */
export function timeOfDay(date = new Date()) {
  return date.toLocaleTimeString(undefined, { hour12: false });
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
