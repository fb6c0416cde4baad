#!/usr/bin/env node
// Compares two V8 heap snapshots of one process (say the soak's hub, taken minutes apart with
// `HUB_NODE_ARGS='--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=DIR'` and `kill -USR2 <hub pid>`): the
// objects counted by constructor (node type and name), and what grew most between the two. A snapshot
// starts with a full GC, so what it holds is what is still reachable: a count that grows with the run's
// reconnects or publishes, and never falls, is retained by something (a leak), not garbage waiting for GC.
//
//   node --max-old-space-size=8000 bench/soak/heap-snapshot-diff.mjs EARLY.heapsnapshot LATE.heapsnapshot [ROWS]
import { readFileSync } from 'node:fs';

/** Rows printed, by growth of retained self size (bytes). */
const ROWS = Number(process.argv[4] ?? 25);

/** { total: { count, bytes }, byKey: Map<"type name", { count, bytes }> } of one snapshot file. */
function summarize(path) {
  const { snapshot, nodes, strings } = JSON.parse(readFileSync(path, 'utf8'));
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0];
  const width = fields.length;
  const at = (name) => fields.indexOf(name);
  const [typeAt, nameAt, sizeAt] = [at('type'), at('name'), at('self_size')];
  const byKey = new Map();
  let count = 0;
  let bytes = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    // Strings and code are named by their content: group them by type alone.
    const name = type === 'object' || type === 'closure' || type === 'native' ? strings[nodes[i + nameAt]] : '';
    const key = `${type} ${name}`.trim();
    const entry = byKey.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += nodes[i + sizeAt];
    byKey.set(key, entry);
    count++;
    bytes += nodes[i + sizeAt];
  }
  return { total: { count, bytes }, byKey };
}

const [earlyPath, latePath] = process.argv.slice(2);
if (!earlyPath || !latePath)
  throw new TypeError('usage: heap-snapshot-diff.mjs EARLY.heapsnapshot LATE.heapsnapshot [ROWS]');
const early = summarize(earlyPath);
const late = summarize(latePath);
const mib = (bytes) => (bytes / 1024 / 1024).toFixed(2);
console.log(
  `reachable: ${early.total.count} objects, ${mib(early.total.bytes)} MiB → ${late.total.count} objects, ` +
    `${mib(late.total.bytes)} MiB (${late.total.count - early.total.count >= 0 ? '+' : ''}${late.total.count - early.total.count} objects, ` +
    `${mib(late.total.bytes - early.total.bytes)} MiB)`,
);
const rows = [...new Set([...early.byKey.keys(), ...late.byKey.keys()])].map((key) => {
  const a = early.byKey.get(key) ?? { count: 0, bytes: 0 };
  const b = late.byKey.get(key) ?? { count: 0, bytes: 0 };
  return { key, a, b, grew: b.bytes - a.bytes };
});
rows.sort((x, y) => y.grew - x.grew);
console.log('| type and constructor | count early | count late | Δ count | MiB early | MiB late | Δ MiB |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const { key, a, b, grew } of rows.slice(0, ROWS)) {
  console.log(
    `| ${key.slice(0, 80)} | ${a.count} | ${b.count} | ${b.count - a.count} | ${mib(a.bytes)} | ${mib(b.bytes)} | ${mib(grew)} |`,
  );
}
