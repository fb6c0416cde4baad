// What one subscriber must receive, across all of its connections: every update of its topic exactly once,
// in order. The soak numbers its updates g = 0, 1, 2, ... in publish order, which is the log's order (each
// is published after the previous one was answered), and sends update g to topic g % topics. So the
// subscriber of topic t expects t, t + topics, t + 2·topics, ... (`first` t, `step` topics), and a
// subscriber of every topic expects 0, 1, 2, ... (`first` 0, `step` 1). An update skipped by a stream that
// went on is a gap (lost: the client cannot know), one at or before one already seen a duplicate (or out of
// order), one of another topic an extra.
export function createSequenceCheck({ first, step }) {
  if (!(Number.isInteger(first) && Number.isInteger(step) && step >= 1 && first >= 0 && first < step)) {
    throw new TypeError('createSequenceCheck needs 0 <= first < step, whole numbers');
  }
  const check = {
    /** The number of the next update expected. */
    next: first,
    events: 0,
    gaps: 0,
    duplicates: 0,
    extras: 0,
    /** Counts update g; says what it was: 'ok', 'gap' (ok, after a gap), 'duplicate' or 'extra'. */
    see(g) {
      check.events++;
      if (!(Number.isInteger(g) && g >= 0) || g % step !== first) {
        check.extras++;
        return 'extra';
      }
      if (g < check.next) {
        check.duplicates++;
        return 'duplicate';
      }
      const skipped = (g - check.next) / step;
      check.gaps += skipped;
      check.next = g + step;
      return skipped > 0 ? 'gap' : 'ok';
    },
    /** How many of the updates numbered below `total` are still to come (0 once caught up). */
    missing(total) {
      return check.next >= total ? 0 : Math.ceil((total - check.next) / step);
    },
  };
  return check;
}
