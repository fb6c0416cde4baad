// An HTTP/2 client for the hub's TLS tests: node:http2 over TLS, so each test sees the frames' effects
// (GOAWAY, RST_STREAM, flow-control windows) that fetch hides. The hub's certificate is self-signed: the
// client does not check it against a CA, and pins it by the fingerprint the hub logged instead.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  type IncomingHttpHeaders,
  type SecureClientSessionOptions,
} from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { createParser, type ParsedEvent } from '@tidings/protocol';
import { createDevCertificate } from '../../src/cli/dev-certificate.ts';

/** Opens an HTTP/2 connection; with `fingerprint256`, checks that the server shows that certificate. */
export async function connectH2(
  origin: string,
  options: SecureClientSessionOptions & { fingerprint256?: string } = {},
): Promise<ClientHttp2Session> {
  const { fingerprint256, ...rest } = options;
  const session = connect(origin, { rejectUnauthorized: false, ...rest });
  session.on('error', () => {});
  await once(session, 'connect');
  const socket = session.socket as TLSSocket;
  assert.equal(socket.alpnProtocol, 'h2');
  if (fingerprint256 !== undefined) assert.equal(socket.getPeerCertificate().fingerprint256, fingerprint256);
  return session;
}

export interface H2EventStream {
  readonly stream: ClientHttp2Stream;
  readonly headers: IncomingHttpHeaders;
  readonly events: ParsedEvent[];
  /** Resolves when a matching event arrived (rejects if the stream closes first). */
  waitFor(predicate: (events: ParsedEvent[]) => boolean, what: string): Promise<void>;
  /** Resolves with how the stream ended: 'end' (END_STREAM), or the RST_STREAM code. */
  readonly closed: Promise<'end' | number>;
}

/** GETs an event stream on `session`; resolves once its response head arrived. */
export async function openEventStream(
  session: ClientHttp2Session,
  path: string,
  options: { read?: boolean } = {},
): Promise<H2EventStream> {
  const stream = session.request({ ':path': path, accept: 'text/event-stream' });
  stream.on('error', () => {});
  const events: ParsedEvent[] = [];
  const listeners = new Set<() => void>();
  const parser = createParser({ onEvent: (event) => events.push(event) });
  let ended = false;
  const closed = new Promise<'end' | number>((resolve) => {
    stream.once('end', () => (ended = true));
    stream.once('close', () => {
      resolve(ended ? 'end' : stream.rstCode);
      for (const listener of listeners) listener();
    });
  });
  const [headers] = (await once(stream, 'response')) as [IncomingHttpHeaders];
  // An unread stream: nothing consumes its data, so its flow-control window is never given back.
  if (options.read !== false) {
    stream.on('data', (chunk: Buffer) => {
      parser.feed(chunk);
      for (const listener of listeners) listener();
    });
  }
  const waitFor = (predicate: (events: ParsedEvent[]) => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (predicate(events)) {
          listeners.delete(check);
          resolve();
        } else if (stream.closed) {
          listeners.delete(check);
          reject(new Error(`stream closed before ${what}`));
        }
      };
      listeners.add(check);
      check();
    });
  return { stream, headers, events, waitFor, closed };
}

/** POSTs an update as a form on `session`; resolves status and body. */
export async function publishH2(
  session: ClientHttp2Session,
  token: string,
  fields: [string, string][],
): Promise<{ status: number; body: string }> {
  const stream = session.request({
    ':method': 'POST',
    ':path': '/.well-known/mercure',
    'content-type': 'application/x-www-form-urlencoded',
    authorization: `Bearer ${token}`,
  });
  stream.end(new URLSearchParams(fields).toString());
  const [headers] = (await once(stream, 'response')) as [IncomingHttpHeaders];
  let body = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) body += chunk;
  return { status: Number(headers[':status']), body };
}

/** Writes a fresh self-signed certificate and its key as PEM files in a new temporary folder. */
export function writeCertificateFiles(): { dir: string; cert: string; key: string; fingerprint256: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tidings-tls-'));
  const made = createDevCertificate();
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  writeFileSync(cert, made.cert);
  writeFileSync(key, made.key, { mode: 0o600 });
  return { dir, cert, key, fingerprint256: made.fingerprint256 };
}
