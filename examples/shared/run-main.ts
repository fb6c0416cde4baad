// The body of every example's main.ts: start on PORT, print the URL, stop cleanly on Ctrl-C or SIGTERM.
import { portFromEnv } from './port.ts';

/** What every example's start function returns. */
export interface RunningExample {
  /** The page to open, e.g. http://127.0.0.1:3101/ */
  readonly url: string;
  /** Stops publishing, ends every stream and closes the server. */
  close(): Promise<void>;
}

/** Starts an example from the command line; `name` is only used in messages. */
export async function runMain(
  name: string,
  defaultPort: number,
  start: (options: { port: number }) => Promise<RunningExample>,
): Promise<void> {
  let app: RunningExample;
  try {
    app = await start({ port: portFromEnv(defaultPort) });
  } catch (error) {
    console.error(`${name}: could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    return;
  }
  console.log(`${name} example on ${app.url}`);
  const stop = () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
