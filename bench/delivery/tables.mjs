// The delivery bench's tables: one per scenario, one row per server, key figures beside their ratio to
// the best peer (the peers: every server that is not Tidings'), e.g. "×0.92 nchan": 0.92 times the best
// peer's figure, whichever way is better for that column (the header says).

const num = (value, digits = 1) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '–'
    : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mib = (kib) => num(kib / 1024, 0);
const percent = (share) => `${num(100 * share, 1)} %`;

/** The best peer's row for a figure: { value, name } (lower or higher is better), or null. */
function bestPeer(rows, figure, lowerIsBetter) {
  let best = null;
  for (const row of rows) {
    if (row.server.tidings || !row.result) continue;
    const value = figure(row.result);
    if (value === null || value === undefined || !Number.isFinite(value) || value <= 0) continue;
    if (best === null || (lowerIsBetter ? value < best.value : value > best.value))
      best = { value, name: row.server.key };
  }
  return best;
}

function ratioCell(row, best, figure) {
  const value = row.result ? figure(row.result) : null;
  if (best === null || value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `×${(value / best.value).toFixed(2)} ${best.name}`;
}

/** The cells of a row that has no figures: why not, then empty cells. */
function missingRow(row, columns) {
  const why = row.missing ?? `failed: ${row.error}`;
  return `| ${row.label} | ${why} |${' |'.repeat(columns - 2)}`;
}

/**
 * "100.0 % of 120,000": every event a subscriber should have (those the server acknowledged, times the
 * subscribers), and what share of them came. Publishes that failed are named: an event whose answer never
 * came may still have been delivered (more than 100 %).
 */
const delivered = (r) =>
  `${percent(r.deliveredShare)} of ${num(r.expected, 0)}` +
  (r.failedPublishes > 0 ? `, ${num(r.failedPublishes, 0)} POSTs failed (${r.publishError})` : '');
/** Generator CPU, % of one core: every subscriber process together (how many), and the publisher. */
const generatorCpu = (r) =>
  `${num(r.generatorCpuPercent, 0)} % (${r.generatorProcesses}) / ${num(r.publisherCpuPercent, 0)} %`;

function table(header, rows, cells) {
  const lines = [`| ${header.join(' | ')} |`, `| --- |${' ---: |'.repeat(header.length - 1)}`];
  for (const row of rows)
    lines.push(row.result ? `| ${row.label} | ${cells(row).join(' | ')} |` : missingRow(row, header.length));
  return lines.join('\n');
}

const cpu = (r) => r.cpuUsPerDelivery;
const perSecond = (r) => r.perSecond;

/** Scenario 1: fan-out at maximum load. */
export function maxLoadTable(rows) {
  const bestRate = bestPeer(rows, perSecond, false);
  const bestCpu = bestPeer(rows, cpu, true);
  return table(
    [
      'server',
      'delivered',
      'deliveries/s',
      'vs best peer (higher is better)',
      'server CPU µs/delivery',
      'vs best peer (lower is better)',
      'p50 ms',
      'p99 ms',
      'max ms',
      'peak RSS MiB',
      'idle KiB/conn',
      'generator CPU: subscribers (processes) / publisher',
    ],
    rows,
    (row) => {
      const r = row.result;
      return [
        delivered(r),
        num(r.perSecond, 0),
        ratioCell(row, bestRate, perSecond),
        num(r.cpuUsPerDelivery, 2),
        ratioCell(row, bestCpu, cpu),
        num(r.p50),
        num(r.p99),
        num(r.max),
        mib(r.peakRssKiB),
        num(r.idle.idleKiBPerConnection),
        generatorCpu(r),
      ];
    },
  );
}

/** Scenario 2: latency at a steady rate. */
export function latencyTable(rows) {
  const p99 = (r) => r.p99;
  const bestP99 = bestPeer(rows, p99, true);
  const bestCpu = bestPeer(rows, cpu, true);
  return table(
    [
      'server',
      'delivered',
      'p50 ms',
      'p99 ms',
      'p99 vs best peer (lower is better)',
      'max ms',
      'server CPU µs/delivery',
      'vs best peer (lower is better)',
      'peak RSS MiB',
      'generator CPU: subscribers (processes) / publisher',
    ],
    rows,
    (row) => {
      const r = row.result;
      return [
        delivered(r),
        num(r.p50),
        num(r.p99),
        ratioCell(row, bestP99, p99),
        num(r.max),
        num(r.cpuUsPerDelivery, 2),
        ratioCell(row, bestCpu, cpu),
        mib(r.peakRssKiB),
        generatorCpu(r),
      ];
    },
  );
}

/** Scenario 3: idle memory per connection. */
export function idleTable(rows, subscribers) {
  const perConnection = (r) => r.idle.idleKiBPerConnection;
  const best = bestPeer(rows, perConnection, true);
  return table(
    [
      'server',
      'RSS before MiB',
      `RSS with ${num(subscribers, 0)} open MiB`,
      'idle KiB/conn',
      'vs best peer (lower is better)',
    ],
    rows,
    (row) => {
      const { idle } = row.result;
      return [
        mib(idle.rssBeforeKiB),
        mib(idle.rssIdleKiB),
        num(idle.idleKiBPerConnection),
        ratioCell(row, best, perConnection),
      ];
    },
  );
}

/**
 * Whether a backlog grows: the subscribers fall further behind the schedule from half-way to the end (by
 * more than 5 events and half as much again), or the p50 latency of the last second is more than twice
 * the first second's plus 100 ms; also whether the server cut streams, or the publisher found all its
 * connections waiting for an answer.
 */
export function backlogVerdict(r) {
  const { behindMid, behindEnd, first, last } = r.backlog;
  const notes = [];
  // Thresholds above the noise of a server that keeps up on a shared machine (a few events, a GC pause
  // in the last second); a real backlog over 10 s is hundreds of events and seconds.
  if (behindEnd > behindMid + 5 && behindEnd > 1.5 * behindMid) notes.push('grows');
  if (first.p50 !== null && last.p50 !== null && last.p50 > 2 * first.p50 + 100) notes.push('latency climbs');
  if (r.closed > 0) notes.push(`${num(r.closed, 0)} streams cut`);
  if (r.late > 0) notes.push(`publisher held up ${num(r.late, 0)}× (64 POSTs unanswered)`);
  return notes.length > 0 ? notes.join(', ') : 'steady';
}

/** Scenario 4: big events at a steady rate. */
export function backlogTable(rows) {
  const bestCpu = bestPeer(rows, cpu, true);
  const w = rows.find((row) => row.result)?.result.backlog.windowSeconds ?? 1;
  return table(
    [
      'server',
      'delivered',
      'behind the schedule per subscriber, half-way → end (events)',
      `p50 ms, first ${w} s → last ${w} s`,
      `p99 ms, last ${w} s`,
      'server RSS start → end, peak MiB',
      'backlog',
      'last delivery after the schedule ended',
      'server CPU µs/delivery',
      'vs best peer (lower is better)',
      'generator CPU: subscribers (processes) / publisher',
    ],
    rows,
    (row) => {
      const r = row.result;
      const b = r.backlog;
      return [
        delivered(r),
        `${num(b.behindMid)} → ${num(b.behindEnd)}`,
        `${num(b.first.p50)} → ${num(b.last.p50)}`,
        num(b.last.p99),
        `${mib(r.rssStartKiB)} → ${mib(b.rssEndKiB)}, ${mib(r.peakRssKiB)}`,
        backlogVerdict(r),
        r.drainMs === null ? 'stalled' : `${num(b.lastDeliveryAfterMs / 1000, 2)} s`,
        num(r.cpuUsPerDelivery, 2),
        ratioCell(row, bestCpu, cpu),
        generatorCpu(r),
      ];
    },
  );
}
