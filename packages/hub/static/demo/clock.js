// Clock demo: the hub publishes a `time` event (ISO 8601) every second.
import { logEvent, subscribe } from '/demo/demo-page.js';

const source = subscribe('urn:tidings:demo:clock');
source.addEventListener('time', (event) => {
  const time = document.getElementById('time');
  time.textContent = new Date(event.data).toLocaleTimeString(undefined, { hour12: false });
  time.dataset.iso = event.data;
  logEvent(event);
});
