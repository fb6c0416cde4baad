// One event stream over a raw TCP socket: GET over HTTP/1.1, the answer's head parsed by hand and its
// chunked body decoded here. The load generators read up to a few hundred thousand writes a second on a
// 2-core machine shared with the hub, and node:http's client stacks a parser and a second stream on each
// socket: in bench/cluster.mjs (memory, one event per read) the generator took 97 % of a core at 85,000
// reads/s with node:http, 82 % at 93,000 with this reader (52 % of it the kernel's: what any reader pays).
// Each read is decoded as latin1: one character per byte, so chunk sizes count characters, and the
// benches send ASCII only.
import { connect } from 'node:net';

/** Longest response head accepted, in characters (a broken server must not grow this without bound). */
const MAX_HEAD = 16 * 1024;
/** Bytes read at a time per socket. */
const READ_BUFFER = 64 * 1024;

/**
 * Opens `http://host:port/path` from `localAddress` with `headers` (an object); calls `onHead(status,
 * headers)` once (headers lower-cased), `onText(text)` with each piece of the body, `onClose(error?)` once.
 * Returns the socket (destroy it to stop).
 */
export function openStream({ host, port, path, headers = {}, localAddress }, { onHead, onText, onClose }) {
  // `onread`: the socket reads into one buffer of its own and calls back, without the stream machinery of
  // 'data' events (a third of the user time at one event per read).
  const socket = connect({
    host,
    port,
    localAddress,
    onread: {
      buffer: Buffer.allocUnsafe(READ_BUFFER),
      callback: (n, buffer) => onData(buffer.toString('latin1', 0, n)),
    },
  });
  let head = '';
  let state = 'head'; // head | size | data | crlf | raw | done
  let size = '';
  let left = 0;
  let closed = false;
  const close = (error) => {
    if (closed) return;
    closed = true;
    onClose(error);
  };
  socket.setNoDelay(true);
  socket.on('connect', () => {
    let request = `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\n`;
    for (const [name, value] of Object.entries(headers)) request += `${name}: ${value}\r\n`;
    socket.write(`${request}\r\n`);
  });
  function onData(text) {
    let at = 0;
    if (state === 'head') {
      head += text;
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEAD) socket.destroy(new Error('response head too long'));
        return;
      }
      const lines = head.slice(0, end).split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      const fields = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) fields[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      state = /chunked/i.test(fields['transfer-encoding'] ?? '') ? 'size' : 'raw';
      text = head.slice(end + 4);
      head = '';
      onHead(status, fields);
      if (closed || socket.destroyed) return;
    }
    if (state === 'raw') {
      if (text.length > 0) onText(text);
      return;
    }
    while (at < text.length && state !== 'done') {
      if (state === 'data') {
        const take = Math.min(left, text.length - at);
        onText(text.slice(at, at + take));
        at += take;
        left -= take;
        if (left === 0) state = 'crlf';
      } else if (state === 'crlf') {
        // The CRLF after a chunk's data (either character may come in the next read).
        const c = text.charCodeAt(at);
        if (c === 13 || c === 10) at++;
        if (c === 10) state = 'size';
        else if (c !== 13) socket.destroy(new Error('bad chunk end'));
      } else {
        const end = text.indexOf('\n', at);
        if (end < 0) {
          size += text.slice(at);
          at = text.length;
          if (size.length > 64) socket.destroy(new Error('bad chunk size'));
          break;
        }
        size += text.slice(at, end);
        at = end + 1;
        left = Number.parseInt(size, 16); // stops at CR or a chunk extension
        size = '';
        if (!(left >= 0)) socket.destroy(new Error('bad chunk size'));
        else if (left === 0) {
          state = 'done';
          socket.end();
        } else state = 'data';
      }
    }
  }
  socket.on('error', (error) => close(error));
  socket.on('close', () => close());
  return socket;
}
