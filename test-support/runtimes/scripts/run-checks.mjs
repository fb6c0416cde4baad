// Entry point for Deno and Bun: `<runtime> run-checks.mjs <server base URL> <client name>`.
// Runs every check and prints one JSON line per check, {check, pass, actual, expected} or {check, pass,
// error}, for runtimes.test.ts to assert on; exits 1 when a check failed, 0 otherwise.
import { checkEventSource, checkIterate } from './event-source-checks.mjs';
import { checkFormat, checkParse } from './protocol-checks.mjs';

/** A check that has not settled by then has hung (a lost event, a reconnection that never comes). */
const CHECK_TIMEOUT_MS = 5_000;

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const [base, client] = args;
if (!base || !client) {
  console.error('usage: run-checks.mjs <server base URL> <client name>');
  exit(2);
}

function exit(code) {
  if (globalThis.Deno) globalThis.Deno.exit(code);
  else process.exit(code);
}

/** Which runtime this is: proves the test did not fall back to Node by accident. */
function runtime() {
  if (globalThis.Deno) return { name: 'deno', version: globalThis.Deno.version.deno };
  if (globalThis.Bun) return { name: 'bun', version: globalThis.Bun.version };
  return { name: 'unknown', version: '' };
}

async function run(name, check) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    const { actual, expected } = await Promise.race([check(), timeout]);
    const pass = JSON.stringify(actual) === JSON.stringify(expected);
    console.log(JSON.stringify({ check: name, pass, actual, expected }));
    return pass;
  } catch (error) {
    console.log(JSON.stringify({ check: name, pass: false, error: String(error?.stack ?? error) }));
    return false;
  } finally {
    clearTimeout(timer);
  }
}

console.log(JSON.stringify({ check: 'runtime', pass: true, actual: runtime() }));
const results = [
  await run('protocol-parse', checkParse),
  await run('protocol-format', checkFormat),
  await run('event-source', () => checkEventSource(base, client)),
  await run('iterate', () => checkIterate(base, client)),
];
exit(results.every(Boolean) ? 0 : 1);
