/**
 * The sessions' writes go out after the I/O callbacks of the current turn of the event loop, one
 * transport write (one syscall) per session for everything it was given meanwhile, a slice of sessions
 * per turn. The events of several publish requests that arrived in one turn reach each subscriber in one
 * write instead of one write each, and one callback serves many sessions instead of one each.
 *
 * Why slices: a flush to 10,000 sockets takes about 25 ms here, nearly all of it the kernel's write,
 * and while it runs no request is read. A publisher that sends its next update once the last one was
 * answered (most backends do) could then get one update into each flush: every write carried one event,
 * and the kernel's cost per write was paid per event. With FLUSH_SLICE sessions per turn, the loop reads
 * and answers publishes between slices; what they bring joins the queues of the sessions still waiting,
 * so a write carries every event that came while its session waited. Nothing waits on a timer: the loop
 * is never idle while a session has bytes to send, and sessions flush in the order they were given
 * something (a session given more while it waits keeps its place). Measured with bench/delivery.mjs,
 * 10,000 subscribers at maximum load: see bench/RESULTS.md, "Flushing in slices".
 */
import { FLUSH_SLICE } from './limits.js';

type Flush = () => void;

/** In the order they were scheduled; a Set keeps that order, and a session is in it once. */
const pending = new Set<Flush>();
let scheduled = false;

/** setImmediate runs after this turn's I/O; where a runtime has none, a zero timeout does the same job. */
const nextTurn: (callback: () => void) => void =
  typeof globalThis.setImmediate === 'function'
    ? (callback) => globalThis.setImmediate(callback)
    : (callback) => globalThis.setTimeout(callback, 0);

function runSlice(): void {
  let left = FLUSH_SLICE;
  for (const flush of pending) {
    pending.delete(flush);
    flush();
    if (--left === 0) break;
  }
  if (pending.size > 0) nextTurn(runSlice);
  else scheduled = false;
}

/** Calls `flush` once (however often it is scheduled before then), after the current turn's I/O at the soonest. */
export function scheduleFlush(flush: Flush): void {
  pending.add(flush);
  if (!scheduled) {
    scheduled = true;
    nextTurn(runSlice);
  }
}
