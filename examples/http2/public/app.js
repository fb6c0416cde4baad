// The HTTP/2 page: one EventSource per sensor, all at once; each panel shows its stream's state and readings.
import { logEvent, showGaps, showState } from './sse-page.js';

const [navigation] = performance.getEntriesByType('navigation');
document.getElementById('protocol').textContent = navigation?.nextHopProtocol || 'unknown';

function panel(number) {
  const section = document.createElement('section');
  section.className = 'sensor';
  section.id = `sensor-${number}`;
  const title = document.createElement('h2');
  const state = document.createElement('span');
  state.className = 'state';
  title.append(`Sensor ${number} `, state);
  const celsius = document.createElement('div');
  celsius.className = 'celsius';
  celsius.textContent = '–';
  const log = document.createElement('ul');
  log.className = 'log';
  section.append(title, celsius, log);
  document.getElementById('sensors').append(section);
  return { state, celsius, log };
}

const { count } = await (await fetch('/sensors')).json();
for (let number = 1; number <= count; number++) {
  const view = panel(number);
  const source = new EventSource(`/sensors/${number}/events`);
  showState(source, view.state);
  showGaps(source, view.log);
  source.addEventListener('reading', (event) => {
    const reading = JSON.parse(event.data);
    view.celsius.textContent = `${reading.celsius.toFixed(2)} °C`;
    logEvent(view.log, event, `${reading.celsius.toFixed(2)} °C`);
  });
}
