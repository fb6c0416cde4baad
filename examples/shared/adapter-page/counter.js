// The page of the framework adapter examples (Express, Fastify, Hono): one EventSource on /events whose
// `tick` events carry `{"count":12,"time":"…"}`. The server's route differs per framework; the page does not.
import { logEvent, showGaps, showState, timeOfDay } from './sse-page.js';

const source = new EventSource('/events');
showState(source, document.getElementById('state'));
const log = document.getElementById('log');
showGaps(source, log);

source.addEventListener('tick', (event) => {
  const tick = JSON.parse(event.data);
  document.getElementById('count').textContent = String(tick.count);
  logEvent(log, event, `count ${tick.count} at ${timeOfDay(new Date(tick.time))}`);
});
