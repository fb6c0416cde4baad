// Checks for the options every example's start function takes. A bad value throws a TypeError that says
// what to pass instead, at the call, rather than a timer that fires every 0 ms or a NaN port later.

/** Throws unless `value` is undefined or a whole number of milliseconds from `min` up. */
export function checkMilliseconds(name: string, value: number | undefined, min = 1): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${name} must be a whole number of milliseconds >= ${min}, got ${String(value)}`);
  }
}

/** Like checkMilliseconds, but `null` is allowed too (it turns the timer off). */
export function checkInterval(name: string, value: number | null | undefined, min = 1): void {
  if (value === null) return;
  checkMilliseconds(name, value, min);
}

/** Throws unless `value` is undefined or a TCP port number (0 picks a free port). */
export function checkPort(value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new TypeError(`port must be an integer from 0 to 65535 (0 picks a free port), got ${String(value)}`);
  }
}
