// The options every example's start function takes, and their checks. A bad value throws a TypeError that
// says what to pass instead, at the call, rather than a timer that fires every 0 ms or a NaN port later.

/** Milliseconds the browser waits before reconnecting (the `retry:` hint), in every example. */
export const DEFAULT_RETRY_MS = 2000;

/** The options of an example that publishes on a timer. */
export interface ExampleOptions {
  /** TCP port; 0 picks a free one. Default: the example's DEFAULT_PORT. */
  port?: number;
  /** Milliseconds between updates; null publishes only when `tick()` is called. Default: the example's DEFAULT_INTERVAL_MS. */
  intervalMs?: number | null;
  /** The `retry:` hint in milliseconds. Default DEFAULT_RETRY_MS (2000). */
  retryMs?: number;
}

/** ExampleOptions checked, with every default filled in. */
export interface ResolvedOptions {
  readonly port: number;
  readonly intervalMs: number | null;
  /** The `retry:` hint to give createSession. */
  readonly retry: number;
}

/** Checks `options` and fills in the example's defaults (the retry default is the same for all). */
export function resolveOptions(
  options: ExampleOptions,
  defaults: { readonly port: number; readonly intervalMs: number },
): ResolvedOptions {
  checkPort(options.port);
  checkInterval('intervalMs', options.intervalMs);
  checkMilliseconds('retryMs', options.retryMs, 0);
  return {
    port: options.port ?? defaults.port,
    intervalMs: options.intervalMs === undefined ? defaults.intervalMs : options.intervalMs,
    retry: options.retryMs ?? DEFAULT_RETRY_MS,
  };
}

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
