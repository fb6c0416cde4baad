// The --dev-cert certificate: DER encodings checked against X.690 examples, the certificate against
// node:crypto's parser and a real TLS client that trusts it (and refuses it for another name).
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { connect, createServer } from 'node:tls';
import { DEV_CERT_BACKDATE_MINUTES, DEV_CERT_VALIDITY_DAYS } from '../src/cli/cli-limits.ts';
import { bitString, octetString, oid, time, unsignedInteger } from '../src/cli/der.ts';
import { createDevCertificate } from '../src/cli/dev-certificate.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('DER encoding', () => {
  it('writes short and long lengths, OIDs, minimal positive integers, bit strings and both time forms', () => {
    assert.equal(hex(octetString(Uint8Array.of(1, 2))), '04020102');
    const long = octetString(new Uint8Array(300));
    assert.equal(hex(long.subarray(0, 4)), '0482012c'); // 300 = 0x012c, two length bytes
    assert.equal(long.length, 304);
    assert.equal(hex(oid('1.2.840.10045.4.3.2')), '06082a8648ce3d040302'); // ecdsa-with-SHA256
    assert.equal(hex(oid('2.5.29.17')), '0603551d11');
    assert.equal(hex(unsignedInteger(Uint8Array.of(0, 0, 0x7f))), '02017f');
    assert.equal(hex(unsignedInteger(Uint8Array.of(0x80))), '02020080'); // stays positive
    assert.equal(hex(unsignedInteger(Uint8Array.of(0))), '020100');
    assert.equal(hex(bitString(Uint8Array.of(0x80), 7)), '03020780');
    assert.equal(Buffer.from(time(new Date('2049-12-31T23:59:59Z')).subarray(2)).toString(), '491231235959Z');
    assert.equal(hex(time(new Date('2049-12-31T23:59:59Z')).subarray(0, 1)), '17'); // UTCTime
    assert.equal(Buffer.from(time(new Date('2050-01-01T00:00:00Z')).subarray(2)).toString(), '20500101000000Z');
    assert.equal(hex(time(new Date('2050-01-01T00:00:00Z')).subarray(0, 1)), '18'); // GeneralizedTime
  });
});

describe('createDevCertificate', () => {
  it('makes a self-signed ECDSA certificate for localhost, 127.0.0.1 and ::1 that is not a CA', () => {
    const now = new Date('2030-06-01T12:00:00.500Z');
    const made = createDevCertificate(now);
    const cert = new X509Certificate(made.cert);
    assert.equal(cert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(cert.checkIP('::1'), '::1');
    assert.equal(cert.checkHost('example.com'), undefined);
    assert.equal(cert.ca, false);
    assert.equal(cert.issuer, cert.subject);
    assert.ok(cert.verify(cert.publicKey), 'signed by its own key');
    assert.ok(cert.checkPrivateKey(createPrivateKey(made.key)), 'the key is the certificate’s');
    assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']); // serverAuth
    const from = new Date(cert.validFrom).getTime();
    assert.equal(from, Date.parse('2030-06-01T12:00:00Z') - DEV_CERT_BACKDATE_MINUTES * 60_000);
    assert.equal(new Date(cert.validTo).getTime() - from, DEV_CERT_VALIDITY_DAYS * 86_400_000);
    assert.equal(made.validTo.getTime(), new Date(cert.validTo).getTime());
    assert.equal(made.fingerprint256, cert.fingerprint256);
    // Every start makes another key and serial.
    const again = createDevCertificate(now);
    assert.notEqual(again.fingerprint256, made.fingerprint256);
    assert.notEqual(new X509Certificate(again.cert).serialNumber, cert.serialNumber);
  });

  it('is accepted by a TLS client that trusts it, for localhost and 127.0.0.1, and refused for another name', async () => {
    const made = createDevCertificate();
    const server = createServer({ cert: made.cert, key: made.key }, (socket) => socket.end('hello'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const handshake = (servername: string | undefined) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port, ca: made.cert, ...(servername && { servername }) });
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk) => (text += chunk));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
    try {
      assert.equal(await handshake('localhost'), 'hello');
      assert.equal(await handshake(undefined), 'hello'); // checked against the IP address 127.0.0.1
      await assert.rejects(handshake('example.com'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    } finally {
      server.close();
    }
  });
});
