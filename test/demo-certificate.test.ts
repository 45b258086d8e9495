/**
 * The demo's run-time TLS material: a certificate OpenSSL parses and verifies,
 * for the one host name, valid now and for one day, and accepted as the only
 * trust anchor by a real TLS handshake on 127.0.0.1.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { derInteger, makeDemoCertificate } from '../src/cli/demo-certificate.js';

describe('demo certificate', () => {
  it('is a self-signed v3 certificate for the host, with its own fresh P-256 key', () => {
    const now = new Date('2026-12-06T12:00:00Z');
    const first = makeDemoCertificate('mta-sts.good.example', now);
    const second = makeDemoCertificate('mta-sts.good.example', now);
    const certificate = new X509Certificate(first.certPem);
    expect(certificate.subject).toBe('CN=mta-sts.good.example');
    expect(certificate.issuer).toBe('CN=mta-sts.good.example');
    expect(certificate.subjectAltName).toBe('DNS:mta-sts.good.example');
    expect(certificate.ca).toBe(true);
    expect(certificate.checkHost('mta-sts.good.example')).toBe('mta-sts.good.example');
    expect(certificate.checkHost('other.good.example')).toBeUndefined();
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.checkPrivateKey(createPrivateKey(first.keyPem))).toBe(true);
    expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(new Date(certificate.validFrom).toISOString()).toBe('2026-12-06T11:00:00.000Z');
    expect(new Date(certificate.validTo).toISOString()).toBe('2026-12-07T12:00:00.000Z');
    expect(second.keyPem).not.toBe(first.keyPem);
    expect(new X509Certificate(second.certPem).serialNumber).not.toBe(certificate.serialNumber);
  });

  it('writes every serial number in the one DER encoding of an INTEGER, whatever its leading octets', () => {
    const der = (...octets: number[]) => [...derInteger(Buffer.from(octets))];
    expect(der(0x00, 0x05)).toEqual([0x02, 0x01, 0x05]);
    expect(der(0x00, 0x00, 0x7f, 0x01)).toEqual([0x02, 0x02, 0x7f, 0x01]);
    expect(der(0x00, 0x80)).toEqual([0x02, 0x02, 0x00, 0x80]);
    expect(der(0x80, 0x00)).toEqual([0x02, 0x03, 0x00, 0x80, 0x00]);
    expect(der(0x00, 0x00)).toEqual([0x02, 0x01, 0x00]);
    expect(der()).toEqual([0x02, 0x01, 0x00]);
    expect(der(0x12, 0x34)).toEqual([0x02, 0x02, 0x12, 0x34]);
  });

  it('is trusted in a TLS handshake when given as the only CA', async () => {
    const tls = makeDemoCertificate('mta-sts.good.example');
    const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const handshake = (servername: string) =>
      new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port, servername, ca: [tls.certPem] });
        socket.once('secureConnect', () => (socket.end(), resolve('trusted')));
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
    try {
      expect(await handshake('mta-sts.good.example')).toBe('trusted');
      expect(await handshake('mta-sts.other.example')).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
