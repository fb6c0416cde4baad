// Preloaded (`node --import`) into every README example the packed install test runs. It changes where
// an example talks to, never what it does:
// - Every server an example starts listens on a free port (port 0) instead of the one written in the
//   README (8080, 3000: this machine is shared, something else may hold them), and the port it got is
//   sent to the test over the IPC channel: { listening: port }.
// - A fetch to an origin named in TIDINGS_EXAMPLE_ORIGINS (JSON: {"https://llm.example.com":
//   "http://127.0.0.1:PORT"}) goes to that address instead, path and query kept: the README's made-up
//   hosts are served by a real HTTP server of the test on loopback.
// Plain JavaScript with no imports beyond node:*, so it runs on the oldest Node the packages claim.
import net from 'node:net';

const origins = JSON.parse(process.env.TIDINGS_EXAMPLE_ORIGINS ?? '{}');

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) args[0] = 0;
  else if (args[0] !== null && typeof args[0] === 'object' && 'port' in args[0]) args[0] = { ...args[0], port: 0 };
  this.once('listening', () => {
    const address = this.address();
    if (address !== null && typeof address === 'object') process.send?.({ listening: address.port });
  });
  return listen.apply(this, args);
};

const fetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const target = origins[url.origin];
  if (target === undefined) return fetch(input, init);
  const moved = new URL(url.pathname + url.search, target);
  return fetch(input instanceof Request ? new Request(moved, input) : moved, init);
};
