// Clock demo: the hub publishes a `time` event (ISO 8601) every second.
import { logEvent, subscribe, timeOfDay } from '/demo/demo-page.js';

const source = subscribe('urn:tidings:demo:clock');
source.addEventListener('time', (event) => {
  const time = document.getElementById('time');
  time.textContent = timeOfDay(new Date(event.data));
  time.dataset.iso = event.data;
  logEvent(event);
});
