/**
 * One flush for every session per turn of the event loop. Writes are queued per session and go out
 * together after the I/O callbacks of the current turn: under publish load, the events of several
 * publish requests that arrived in one turn reach each subscriber in one transport write (one
 * syscall) instead of one write each, and one callback serves every session instead of one each.
 */
type Flush = () => void;

const pending = new Set<Flush>();
let scheduled = false;

/** setImmediate runs after this turn's I/O; where a runtime has none, a zero timeout does the same job. */
const nextTurn: (callback: () => void) => void =
  typeof globalThis.setImmediate === 'function'
    ? (callback) => globalThis.setImmediate(callback)
    : (callback) => globalThis.setTimeout(callback, 0);

function runAll(): void {
  scheduled = false;
  const flushes = [...pending];
  pending.clear();
  for (const flush of flushes) flush();
}

/** Calls `flush` once, after the current turn's I/O (however often it is scheduled before then). */
export function scheduleFlush(flush: Flush): void {
  pending.add(flush);
  if (!scheduled) {
    scheduled = true;
    nextTurn(runAll);
  }
}
