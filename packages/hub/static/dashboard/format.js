// The one way the dashboard writes times and durations, so that every part of it reads the same: a
// 24-hour local time of day with seconds, and durations in days, hours, minutes and seconds. Plain ES
// module, no DOM: the tests import it in Node too.

const two = (n) => String(n).padStart(2, '0');

/** `14:03:09`: the local time of day, 24-hour, whatever the browser's locale. */
export function formatTime(date = new Date()) {
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** `3h 07m 05s` (`2d 3h 07m 05s` past a day): minutes and seconds padded, so the width holds still. */
export function formatDuration(totalSeconds) {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${d ? `${d}d ` : ''}${h}h ${two(m)}m ${two(seconds % 60)}s`;
}
