// The load generator, a process of its own: opens CONNECTIONS event streams to URL (spread over 127.0.0.x
// source addresses, so that no address runs out of ports), says "connected", then counts every event and
// its latency: now minus the publish time carried in the event's JSON data (`t`, ms since the epoch, from
// performance.timeOrigin + performance.now(), comparable across processes on one machine). On "report" from
// the parent it prints its figures as JSON, its own CPU time included, so a saturated generator shows.
import http from 'node:http';

const url = new URL(process.env.URL);
const connections = Number(process.env.CONNECTIONS);
const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
const latencies = [];
let events = 0;
let failures = 0;
const now = () => performance.timeOrigin + performance.now();

/** Reads `data:` lines from one stream; the bench's events are one JSON line each. */
function readEvents(res) {
  let rest = '';
  res.setEncoding('utf8');
  res.on('data', (chunk) => {
    const received = now();
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      if (!line.startsWith('data:')) continue;
      events++;
      latencies.push(received - JSON.parse(line.slice(5)).t);
    }
  });
}

function open(i) {
  return new Promise((resolve) => {
    const req = http.get(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        headers: { accept: 'text/event-stream' }, // as EventSource sends it (nchan answers 403 without)
        agent,
        localAddress: `127.0.0.${2 + (i % 100)}`,
      },
      (res) => {
        if (res.statusCode !== 200) failures++;
        else readEvents(res);
        resolve();
      },
    );
    req.on('error', () => {
      failures++;
      resolve();
    });
  });
}

// Opened a few hundred at a time, as a burst of thousands of SYNs overflows the listen backlog.
for (let i = 0; i < connections; i += 500) {
  await Promise.all(Array.from({ length: Math.min(500, connections - i) }, (_, j) => open(i + j)));
}
process.send({ connected: connections - failures, failures });

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
let cpuAtStart = 0;
process.on('message', (message) => {
  if (message === 'start') {
    // The measured window starts: what came before (the connections' set-up) is not counted.
    events = 0;
    latencies.length = 0;
    cpuAtStart = cpuMs();
    process.send({ started: true });
  } else if (message === 'count') {
    process.send({ events });
  } else if (message === 'report') {
    const sorted = Float64Array.from(latencies).sort();
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
    const cpu = cpuMs() - cpuAtStart;
    process.send({ events, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN, cpuMs: cpu });
    process.exit(0);
  }
});
