// The publisher of one measurement: the Go generator in publish mode (loadgen/publish.go), POSTing events
// of `bytes` bytes to http://127.0.0.1:port/path, each carrying its publish time.
import { startLineProcess } from './line-process.mjs';

/** Publishers at maximum load: each POSTs its next event as soon as the answer to the last one came back. */
export const PUBLISHERS = Number(process.env.PUBLISHERS ?? 4);

/** Resolves { run(seconds, rate): { sent, done }, count(), stop() } (rate 0: maximum load). */
export async function startPublisher(binary, { port, path }, bytes) {
  const generator = startLineProcess(binary, [
    '-mode',
    'publish',
    '-addr',
    `127.0.0.1:${port}`,
    '-path',
    path,
    '-size',
    String(bytes),
    '-concurrency',
    String(PUBLISHERS),
  ]);
  await generator.next('ready');
  return {
    run(seconds, rate) {
      const sent = generator.next('sent');
      const done = generator.next('done');
      generator.send(`run ${seconds} ${rate}`);
      return { sent, done };
    },
    count: () => generator.ask('count', 'count'),
    stop: () => generator.stop(),
  };
}
