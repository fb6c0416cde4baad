// Reads the port an example listens on from the PORT environment variable.
// A typo in PORT should stop the example with a message, not make it listen somewhere unexpected.

/** The highest TCP port number. */
const MAX_PORT = 65_535;

/** Returns PORT from the environment as a port number, or `fallback` when PORT is unset or empty. */
export function portFromEnv(fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PORT;
  if (raw === undefined || raw.trim() === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) {
    throw new TypeError(
      `PORT must be an integer from 0 to ${MAX_PORT} (0 picks a free port), got ${JSON.stringify(raw)}`,
    );
  }
  return port;
}
