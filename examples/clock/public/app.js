// The clock page: one EventSource on /events; each `time` event carries the server's time as an ISO string.
import { logEvent, showGaps, showState } from './sse-page.js';

const source = new EventSource('/events');
showState(source, document.getElementById('state'));

const timeOutput = document.getElementById('time');
const offsetOutput = document.getElementById('offset');
const log = document.getElementById('log');
showGaps(source, log);

source.addEventListener('time', (event) => {
  const serverTime = new Date(event.data);
  timeOutput.textContent = serverTime.toLocaleTimeString();
  timeOutput.dateTime = event.data;
  const offset = Date.now() - serverTime.getTime();
  offsetOutput.textContent = `${Math.abs(offset)} ms ${offset >= 0 ? 'ahead of' : 'behind'}`;
  logEvent(log, event, serverTime.toLocaleTimeString());
});
