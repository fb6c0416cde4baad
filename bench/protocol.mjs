#!/usr/bin/env node
// Parse and serialize throughput of @tidings/protocol beside eventsource-parser (npm).
//
// Method. Each corpus is built in memory, encoded as UTF-8, cut into 16 KiB reads (a typical network read)
// and decoded read by read with a streaming TextDecoder, as a consumer of a response body would.
// One measurement is a fresh child process that loads ONE library, feeds the whole corpus to a new parser
// until 300 ms of warm-up have passed, then times five runs of ~300 ms each and reports their median in
// MB/s (UTF-8 bytes of corpus per CPU second of the process). Separate processes keep one library's JIT feedback and garbage
// from slowing the other. The parent alternates the libraries, ROUNDS rounds per corpus, and prints the
// median of the rounds and the ratio (ours / theirs: above 1.00 means faster). Both libraries receive
// strings, since eventsource-parser takes only text. Serialize: formatEvent, events per second.
//
//   npm run build && node bench/protocol.mjs          (ROUNDS=9 by default)
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

const ROUNDS = Number(process.env.ROUNDS ?? 9);
const RUN_MS = 300;
const CHUNK = 16 * 1024;

const CORPORA = {
  'small events': () => {
    let out = '';
    for (let i = 0; i < 20000; i++) {
      out += `id: ${i}\nevent: price\ndata: {"symbol":"ACME","price":${(100 + (i % 50) / 7).toFixed(3)},"seq":${i}}\n\n`;
    }
    return out;
  },
  'data-only events': () => {
    // The shape of LLM token streams: one short JSON data line per event, no id, no type.
    let out = '';
    for (let i = 0; i < 20000; i++) out += `data: {"choices":[{"delta":{"content":"tok${i % 97}"},"index":0}]}\n\n`;
    return out;
  },
  'CRLF line ends': () => {
    let out = '';
    for (let i = 0; i < 20000; i++) out += `id: ${i}\r\nevent: price\r\ndata: {"seq":${i}}\r\n\r\n`;
    return out;
  },
  'large events': () => {
    const line = 'x'.repeat(1000);
    let out = '';
    for (let i = 0; i < 40; i++) out += `id: ${i}\n${`data: ${line}\n`.repeat(100)}\n`;
    return out;
  },
  'many comments': () => {
    let out = '';
    for (let i = 0; i < 20000; i++) {
      out += `: keep-alive ${i}\n: another comment line\n`;
      if (i % 10 === 0) out += `data: tick ${i}\n\n`;
    }
    return out;
  },
};

const LIBRARIES = {
  '@tidings/protocol': async () => (await import(process.env.TIDINGS_PARSER ?? '@tidings/protocol')).createParser,
  'eventsource-parser': async () => (await import('eventsource-parser')).createParser,
};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Child: measure one library on one corpus; prints MB/s. */
async function measure(libraryName, corpusName) {
  const createParser = await LIBRARIES[libraryName]();
  const text = CORPORA[corpusName]();
  const bytes = Buffer.byteLength(text);
  // What a reader of a response body gets: 16 KiB network reads, each decoded by a streaming TextDecoder
  // into a string of its own (slices of one big string would be a different, slower kind of string).
  const encoded = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  const pieces = [];
  for (let i = 0; i < encoded.length; i += CHUNK)
    pieces.push(decoder.decode(encoded.subarray(i, i + CHUNK), { stream: true }));
  let events = 0;
  const callbacks = { onEvent: () => events++, onComment: () => {} };
  // Timed in this process's CPU time, not wall time: on a shared machine, time spent descheduled is not ours.
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const runFor = (ms) => {
    let fed = 0;
    const start = cpuMs();
    let elapsed = 0;
    while (elapsed < ms) {
      const parser = createParser(callbacks);
      for (const piece of pieces) parser.feed(piece);
      fed += bytes;
      elapsed = cpuMs() - start;
    }
    return fed / (elapsed / 1000) / 1e6;
  };
  runFor(RUN_MS); // warm-up: let the JIT settle
  const runs = Array.from({ length: 5 }, () => runFor(RUN_MS));
  if (events === 0) throw new Error('no events parsed');
  process.stdout.write(String(median(runs)));
}

function serializeTable(formatEvent) {
  const cases = {
    'typical event (id, event, JSON data)': { id: '12345', event: 'price', data: '{"symbol":"ACME","price":101.25}' },
    'multi-line data (100 lines of 100 B)': { data: Array.from({ length: 100 }, () => 'y'.repeat(100)).join('\n') },
  };
  console.log('\n| formatEvent | events/s | MB/s |');
  console.log('| --- | ---: | ---: |');
  for (const [name, fields] of Object.entries(cases)) {
    const bytes = Buffer.byteLength(formatEvent(fields));
    const rates = [];
    for (let r = 0; r < 7; r++) {
      let count = 0;
      const start = performance.now();
      while (performance.now() - start < RUN_MS) {
        for (let i = 0; i < 1000; i++) formatEvent(fields);
        count += 1000;
      }
      rates.push(count / ((performance.now() - start) / 1000));
    }
    const rate = median(rates);
    console.log(`| ${name} | ${(rate / 1e6).toFixed(2)} M | ${((rate * bytes) / 1e6).toFixed(0)} |`);
  }
}

if (process.argv[2] === '--measure') {
  await measure(process.argv[3], process.argv[4]);
} else {
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores`);
  console.log(`${ROUNDS} rounds per library and corpus, each a fresh process: 5 × ${RUN_MS} ms after warm-up\n`);
  console.log('| corpus | size | @tidings/protocol MB/s | eventsource-parser MB/s | ratio |');
  console.log('| --- | --- | ---: | ---: | ---: |');
  for (const corpus of Object.keys(CORPORA)) {
    const results = Object.fromEntries(Object.keys(LIBRARIES).map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const library of Object.keys(LIBRARIES)) {
        const out = execFileSync(process.execPath, [import.meta.filename, '--measure', library, corpus], {
          encoding: 'utf8',
        });
        results[library].push(Number(out));
      }
    }
    const ours = median(results['@tidings/protocol']);
    const theirs = median(results['eventsource-parser']);
    const size = (Buffer.byteLength(CORPORA[corpus]()) / 1e6).toFixed(1);
    console.log(
      `| ${corpus} | ${size} MB | ${ours.toFixed(0)} | ${theirs.toFixed(0)} | ${(ours / theirs).toFixed(2)} |`,
    );
  }
  serializeTable((await import('@tidings/protocol')).formatEvent);
}
