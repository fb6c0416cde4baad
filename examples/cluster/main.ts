// `npm start -w examples/cluster`: starts node a and node b (two `tidings hub` processes) on the Redis at
// REDIS_URL (default redis://127.0.0.1:6379) and serves the page on PORT (default 3110) at 127.0.0.1.
import { startCluster } from './server.ts';

let app: Awaited<ReturnType<typeof startCluster>>;
try {
  app = await startCluster(process.env.PORT ? { port: Number(process.env.PORT) } : {});
} catch (error) {
  // Most often Redis is not running: say so in one line rather than with a stack trace.
  console.error(`cluster: could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
console.log(`cluster example on ${app.url}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void app.close().then(() => process.exit(0)));
