/**
 * Watches the event log's health with one timer for the whole hub and reports each change once: the
 * hub logs it and tells every connected subscriber in a comment line (EventSource ignores comments;
 * curl users and proxies see them), so a degraded hub is visible from both ends.
 */
import type { EventLog, LogState } from '@tidings/server';
import { LOG_HEALTH_CHECK_INTERVAL_MS } from '../limits.js';

export function watchLogHealth(
  log: EventLog,
  onChange: (state: LogState, previous: LogState, error: string | null) => void,
): () => void {
  // Compared with 'up' from the start, so a hub that starts with its store unreachable says so too.
  let previous: LogState = 'up';
  const timer = setInterval(() => {
    const { state, error } = log.health();
    if (state === previous) return;
    const was = previous;
    previous = state;
    onChange(state, was, error);
  }, LOG_HEALTH_CHECK_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
