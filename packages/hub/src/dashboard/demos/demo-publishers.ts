/**
 * The demos' publishers: timers inside the hub process that publish through `hub.publish()` on the demo
 * topics while the dashboard is mounted (ticker prices, monitor figures, the clock). `stop()` ends them;
 * they also stop by themselves once the hub is closed.
 */
import { loadavg } from 'node:os';
import type { Hub } from '../../create-hub.js';
import { DEMO_TOP_PROCESSES } from './demo-limits.js';
import { DEMO_TOPICS } from './demo-topics.js';
import { PriceWalk } from './price-walk.js';
import { ProcessSampler } from './process-sampler.js';

export interface DemoIntervals {
  /** Milliseconds between ticker steps (every symbol moves once per step). */
  readonly ticker: number;
  /** Milliseconds between monitor samples. */
  readonly monitor: number;
  /** Milliseconds between clock ticks. */
  readonly clock: number;
}

/** Reads one sample value from the hub's Prometheus text (sums the labelled samples of `name`). */
export function metricValue(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest.startsWith(' ') || rest.startsWith('{')) total += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return total;
}

/**
 * Requests the hub has answered that the monitor counts: subscriptions opened, publish requests
 * (accepted and refused) from the hub's own counters, and the dashboard's and demos' requests.
 */
function hubRequests(hub: Hub, dashboardRequests: () => number): number {
  const text = hub.metrics();
  return (
    metricValue(text, 'tidings_subscriptions_total') +
    metricValue(text, 'tidings_publish_duration_seconds_count') +
    metricValue(text, 'tidings_publish_rejected_total') +
    dashboardRequests()
  );
}

export function startDemoPublishers(
  hub: Hub,
  intervals: DemoIntervals,
  dashboardRequests: () => number,
): { stop(): void } {
  const timers: ReturnType<typeof setInterval>[] = [];
  const stop = () => {
    for (const timer of timers.splice(0)) clearInterval(timer);
  };
  /** Runs `tick` every `ms`; a tick that is still running is not started again (a slow /proc read). */
  const every = (ms: number, tick: () => Promise<unknown>) => {
    let busy = false;
    const timer = setInterval(() => {
      if (hub.closed) return stop();
      if (busy) return;
      busy = true;
      // A refused publish (the hub closing between the check and the call) only ends this tick.
      tick()
        .catch(() => {})
        .finally(() => (busy = false));
    }, ms);
    timer.unref();
    timers.push(timer);
  };

  const walk = new PriceWalk();
  every(intervals.ticker, () =>
    Promise.all(
      walk.step().map((quote) =>
        hub.publish({
          topics: DEMO_TOPICS.ticker,
          event: 'price',
          data: JSON.stringify({ ...quote, time: new Date().toISOString() }),
        }),
      ),
    ),
  );

  const processes = new ProcessSampler();
  every(intervals.monitor, async () => {
    const send = (event: string, value: unknown) =>
      hub.publish({ topics: DEMO_TOPICS.monitor, event, data: JSON.stringify(value) });
    const [one, five, fifteen] = loadavg();
    await send('connections', { subscribers: hub.stats().subscribers });
    await send('requests', { total: hubRequests(hub, dashboardRequests) });
    await send('uptime', { seconds: Math.floor((Date.now() - hub.stats().startedAt) / 1000) });
    await send('load', { one, five, fifteen });
    await send('processes', await processes.sample(DEMO_TOP_PROCESSES));
  });

  every(intervals.clock, () =>
    hub.publish({ topics: DEMO_TOPICS.clock, event: 'time', data: new Date().toISOString() }),
  );

  return { stop };
}
