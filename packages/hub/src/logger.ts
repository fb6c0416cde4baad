/**
 * JSON logs, one object per line: `{"time":"…","level":"info","msg":"…",…}`. Callers never pass tokens,
 * claims, query strings or request bodies.
 */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, string | number | boolean | null | undefined | readonly string[]>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** Where log lines go: a function receiving each line without its newline. */
export type LogSink = (line: string) => void;

export function createLogger(level: LogLevel, sink: LogSink): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const make =
    (name: LogLevel) =>
    (msg: string, fields: LogFields = {}): void => {
      if (LOG_LEVELS.indexOf(name) < threshold) return;
      sink(JSON.stringify({ time: new Date().toISOString(), level: name, msg, ...fields }));
    };
  return { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') };
}

export const stdoutSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

/**
 * An error for a log line (never for a response): its class, code and message, so the log says what
 * failed. Event log messages are written to be safe there: they never hold a password or a URL.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`;
}
