// The news page: each `news` event (JSON) becomes a list item at the top, stamped with the time it arrived.
// Replayed headlines after a reconnect arrive in order too, so the newest still ends up at the top.
import { showGaps, showState, timeOfDay } from './sse-page.js';

/** The page keeps the newest headlines only. */
const MAX_HEADLINES = 100;

const source = new EventSource('/news');
showState(source, document.getElementById('state'));
const list = document.getElementById('headlines');
showGaps(source, list);

source.addEventListener('news', (event) => {
  const news = JSON.parse(event.data);
  const item = document.createElement('li');
  item.dataset.id = event.lastEventId;
  const title = document.createElement('div');
  title.className = 'title';
  title.textContent = news.title;
  const meta = document.createElement('div');
  meta.className = 'meta muted';
  const arrived = document.createElement('time');
  arrived.className = 'arrived';
  arrived.dateTime = new Date().toISOString();
  arrived.textContent = timeOfDay();
  meta.append(`${news.section} · arrived `, arrived);
  item.append(title, meta);
  list.prepend(item);
  while (list.children.length > MAX_HEADLINES) list.lastElementChild.remove();
  document.getElementById('empty').hidden = true;
});
