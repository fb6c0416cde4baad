// Monitor demo: the hub publishes `connections`, `requests`, `uptime`, `load` and `processes` events.
import { formatDuration } from '/dashboard/format.js';
import { logEvent, subscribe } from '/demo/demo-page.js';

const source = subscribe('urn:tidings:demo:monitor');
const $ = (id) => document.getElementById(id);

function megabytes(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const show = {
  connections: (value) => ($('connections').textContent = String(value.subscribers)),
  requests: (value) => ($('requests').textContent = String(value.total)),
  uptime: (value) => ($('uptime').textContent = formatDuration(value.seconds)),
  load: (value) => ($('load').textContent = [value.one, value.five, value.fifteen].map((n) => n.toFixed(2)).join(' ')),
  processes: (value) => {
    $('processes')
      .querySelector('tbody')
      .replaceChildren(
        ...value.processes.map((p) => {
          const row = document.createElement('tr');
          for (const [text, number] of [
            [String(p.pid), true],
            [p.name, false],
            [p.cpuPercent.toFixed(1), true],
            [megabytes(p.rssBytes), true],
          ]) {
            const cell = document.createElement('td');
            if (number) cell.className = 'number';
            cell.textContent = text;
            row.append(cell);
          }
          return row;
        }),
      );
    $('processes-note').textContent = value.available ? '' : 'This system has no /proc: the process list is empty.';
  },
};

for (const [type, render] of Object.entries(show)) {
  source.addEventListener(type, (event) => {
    const value = JSON.parse(event.data);
    render(value);
    logEvent(event, type === 'processes' ? `${value.processes.length} processes` : event.data);
  });
}
