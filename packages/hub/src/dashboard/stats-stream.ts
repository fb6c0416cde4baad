/**
 * GET /dashboard/stats: an event stream of `stats` events, one per sample, for one dashboard page. The
 * first event carries the kept samples too, so the page's charts start with the last minute. Each viewer
 * gets its own view (topic names filtered by its token, see stats-view.ts), so events are serialized per
 * viewer; there are few viewers and one event a second.
 */
import { encodeEvent } from '@tidings/protocol';
import type { Hub } from '../create-hub.js';
import { DASHBOARD_MAX_QUEUED_BYTES, DASHBOARD_MAX_TOPICS, DASHBOARD_RETRY_MS } from './dashboard-limits.js';
import type { StatsSampler } from './stats-sampler.js';
import { statsView, type TopicFilter } from './stats-view.js';

export const STATS_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-accel-buffering': 'no',
};

/** Opens one viewer's stream; `onEnd` runs once when it ends for any reason; `close()` ends it. */
export function openStatsStream(
  hub: Hub,
  sampler: StatsSampler,
  request: Request,
  filter: TopicFilter,
  onEnd: () => void,
): { response: Response; close(): void } {
  let stopSampling = () => {};
  let ended = false;
  let control: ReadableStreamDefaultController<Uint8Array> | undefined;
  const end = () => {
    if (ended) return;
    ended = true;
    stopSampling();
    request.signal.removeEventListener('abort', end);
    try {
      control?.close();
    } catch {
      // already closed or cancelled
    }
    onEnd();
  };
  const send = (bytes: Uint8Array) => {
    if (ended || control === undefined) return;
    if ((control.desiredSize ?? 0) < -DASHBOARD_MAX_QUEUED_BYTES) return end();
    control.enqueue(bytes);
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        control = controller;
        // [spec] `retry:` sets the page's reconnection time; the view with samples comes first.
        const first = statsView(
          hub,
          hub.stats(),
          sampler.samples.at(-1),
          filter,
          DASHBOARD_MAX_TOPICS,
          sampler.samples,
        );
        controller.enqueue(encodeEvent({ retry: DASHBOARD_RETRY_MS, event: 'stats', data: JSON.stringify(first) }));
        stopSampling = sampler.onSample((sample, stats) => {
          const view = statsView(hub, stats, sample, filter, DASHBOARD_MAX_TOPICS);
          send(encodeEvent({ event: 'stats', data: JSON.stringify(view) }));
        });
      },
      cancel: end,
    },
    { highWaterMark: 0, size: (chunk) => chunk.byteLength },
  );
  // Closing the body when the client goes also ends the server's copy loop (node:http adapter).
  if (request.signal.aborted) queueMicrotask(end);
  else request.signal.addEventListener('abort', end, { once: true });
  return { response: new Response(body, { status: 200, headers: STATS_STREAM_HEADERS }), close: end };
}
