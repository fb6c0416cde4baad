// The hub's event-loop delay, measured from outside: the hub has no metric for it, so a probe sends
// `GET /healthz` every PROBE_INTERVAL_MS over one keep-alive connection and times the answer. /healthz
// does no I/O (it reads the event log's health state, kept in memory, and answers `ok`), so its latency is
// the loopback round trip (~0.1 ms) plus the time the request waits for the hub's event loop to reach its
// socket: a loop blocked by a GC pause, a long replay page or a growing list shows up in it one for one.
// One request at a time: while one is unanswered no other is sent (a stalled hub gets one probe, whose
// latency is the stall), so the probe never piles work onto the hub it measures.
import http from 'node:http';
import { LatencyHistogram } from './latency-histogram.mjs';

/** Time between probes, ms: 10 a second, negligible work for the hub, enough for a p99 per 10 s sample. */
export const PROBE_INTERVAL_MS = 100;
/** A probe unanswered this long is counted as failed and its connection replaced. */
const PROBE_TIMEOUT_MS = 30_000;

/** Starts probing `url` (the hub's base, http://host:port); `take()` returns the window's histogram. */
export function startHealthProbe(url) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let window = new LatencyHistogram();
  let failures = 0;
  let inFlight = false;
  const probe = () => {
    if (inFlight) return;
    inFlight = true;
    const started = performance.now();
    const req = http.get(`${url}/healthz`, { agent, timeout: PROBE_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) window.add(performance.now() - started);
        else failures++;
        inFlight = false;
      });
    });
    req.on('timeout', () => req.destroy(new Error('probe timed out')));
    req.on('error', () => {
      failures++;
      inFlight = false;
    });
  };
  const timer = setInterval(probe, PROBE_INTERVAL_MS);
  return {
    /** The latencies since the last take, and the failed probes among them. */
    take() {
      const taken = { histogram: window, failures };
      window = new LatencyHistogram();
      failures = 0;
      return taken;
    },
    stop() {
      clearInterval(timer);
      agent.destroy();
    },
  };
}
