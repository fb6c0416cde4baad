/**
 * The hub's TLS flags: `--cert FILE --key FILE` (a certificate of your own) or `--dev-cert` (a
 * self-signed one for localhost, made at start). Either makes the hub serve HTTPS, with HTTP/2 and
 * HTTP/1.1 negotiated by ALPN on the one port; without them it serves plain HTTP/1.1.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type FlagSpec, type FlagValues, stringFlag, UsageError } from './cli-flags.js';

export const TLS_FLAGS: readonly FlagSpec[] = [
  {
    name: 'cert',
    kind: 'string',
    env: ['TIDINGS_CERT'],
    defaultText: 'none (plain HTTP/1.1)',
    description:
      'PEM certificate file (the chain after it): serve HTTPS, with HTTP/2 and HTTP/1.1 on one port (ALPN); needs --key.',
  },
  {
    name: 'key',
    kind: 'string',
    env: ['TIDINGS_KEY'],
    defaultText: 'none',
    description: 'PEM private key file of --cert (not encrypted).',
  },
  {
    name: 'dev-cert',
    kind: 'boolean',
    env: ['TIDINGS_DEV_CERT'],
    defaultText: 'false',
    description:
      'Serve HTTPS and HTTP/2 with a self-signed certificate for localhost made at start. Development only: browsers warn about it.',
  },
];

/** How the hub serves TLS: PEM text read from files, or a development certificate made at start. */
export type TlsConfig =
  | { readonly source: 'files'; readonly cert: string; readonly key: string }
  | { readonly source: 'dev-cert' };

function readPem(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * Reads --cert, --key and --dev-cert (or TIDINGS_CERT, TIDINGS_KEY, TIDINGS_DEV_CERT); null means plain
 * HTTP. Throws UsageError (exit 2) for half a pair, an unreadable file, or a key that is not the
 * certificate's, so the hub never starts with TLS that fails at the first handshake.
 */
export function readTlsConfig(values: FlagValues, workers: number): TlsConfig | null {
  const certFile = stringFlag(values, 'cert');
  const keyFile = stringFlag(values, 'key');
  const devCert = values.get('dev-cert') === true;
  if (devCert) {
    if (certFile !== undefined || keyFile !== undefined)
      throw new UsageError('give either --cert and --key, or --dev-cert, not both');
    // Each worker would make a certificate of its own, and a client would meet a different one per connection.
    if (workers > 1) throw new UsageError('--dev-cert takes one process: with --workers, give --cert and --key');
    return { source: 'dev-cert' };
  }
  if (certFile === undefined && keyFile === undefined) return null;
  if (keyFile === undefined) throw new UsageError('--cert needs --key: the PEM private key file of the certificate');
  if (certFile === undefined) throw new UsageError('--key needs --cert: the PEM certificate file it belongs to');
  const cert = readPem('cert', certFile);
  const key = readPem('key', keyFile);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new UsageError(`--cert: ${certFile} holds no PEM certificate`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new UsageError(`--key: ${keyFile} holds no unencrypted PEM private key`);
  }
  if (!certificate.checkPrivateKey(privateKey))
    throw new UsageError(`--key: ${keyFile} is not the private key of the certificate in ${certFile}`);
  return { source: 'files', cert, key };
}
