// The monitor page: one EventSource on /stats, one listener per named event (as in the seed article).
// Every event's data is JSON.
import { logEvent, showGaps, showState } from './sse-page.js';

const source = new EventSource('/stats');
showState(source, document.getElementById('state'));
const log = document.getElementById('log');
showGaps(source, log);

/** Registers a listener for a named event that parses the JSON data and logs the event. */
function on(name, show) {
  source.addEventListener(name, (event) => {
    const value = JSON.parse(event.data);
    show(value);
    logEvent(log, event, summary(name, value));
  });
}

function summary(name, value) {
  if (name === 'processes') return `${value.processes.length} processes`;
  if (name === 'load') return value.map((n) => n.toFixed(2)).join(' ');
  return String(value);
}

function formatDuration(totalSeconds) {
  const days = Math.floor(totalSeconds / 86400);
  const hours = Math.floor((totalSeconds % 86400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const clock = [hours, minutes, seconds].map((n) => String(n).padStart(2, '0')).join(':');
  return days > 0 ? `${days}d ${clock}` : clock;
}

function formatBytes(bytes) {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}

const text = (id) => (value) => {
  document.getElementById(id).textContent = value;
};

on('connections', text('connections'));
on('requests', text('requests'));
on('uptime', (seconds) => text('uptime')(formatDuration(seconds)));
on('load', (averages) => text('load')(averages.map((n) => n.toFixed(2)).join('  ')));
on('processes', ({ source: origin, processes }) => {
  const body = document.querySelector('#processes tbody');
  body.replaceChildren(
    ...processes.map((p) => {
      const row = document.createElement('tr');
      for (const [value, numeric] of [
        [p.pid, true],
        [p.name, false],
        [p.cpuPercent.toFixed(1), true],
        [formatBytes(p.rssBytes), true],
      ]) {
        const cell = document.createElement('td');
        cell.textContent = String(value);
        if (numeric) cell.className = 'number';
        row.append(cell);
      }
      return row;
    }),
  );
  document.getElementById('processes-note').textContent =
    origin === 'none'
      ? 'The process list is not available on this system.'
      : `Read from ${origin === 'proc' ? '/proc' : 'ps'}.`;
});

// An event without a name would arrive as `message`; this server sends none, but a page should not lose it.
source.onmessage = (event) => logEvent(log, event);
