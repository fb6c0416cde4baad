/**
 * One timer per keep-alive interval for every session in the process, not one per session: with
 * thousands of connections, per-session timers cost memory and wake the event loop thousands of times.
 */

/** Called when the shared timer fires; sends one keep-alive. */
export type KeepAliveTarget = () => void;

interface Group {
  timer: ReturnType<typeof setInterval>;
  members: Set<KeepAliveTarget>;
}

const groups = new Map<number, Group>();

/** Adds `target` to the timer for `intervalMs` (created on first use); returns the function that removes it. */
export function joinKeepAlive(target: KeepAliveTarget, intervalMs: number): () => void {
  let group = groups.get(intervalMs);
  if (group === undefined) {
    const members = new Set<KeepAliveTarget>();
    const timer = setInterval(() => {
      for (const member of members) member();
    }, intervalMs);
    // The timer alone must not keep a process alive (Node, Bun, Deno return an object with unref).
    if (typeof timer === 'object' && timer !== null && 'unref' in timer) timer.unref();
    group = { timer, members };
    groups.set(intervalMs, group);
  }
  const joined = group;
  joined.members.add(target);
  return () => {
    joined.members.delete(target);
    // The last member gone: stop the timer, so an idle server has no timer at all.
    if (joined.members.size === 0 && groups.get(intervalMs) === joined) {
      clearInterval(joined.timer);
      groups.delete(intervalMs);
    }
  };
}

/** How many keep-alive timers exist (for tests and diagnostics). */
export function keepAliveTimerCount(): number {
  return groups.size;
}
