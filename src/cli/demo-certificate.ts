/**
 * The demo's TLS material, made at run time so that no private key is ever
 * stored in the repository or the package: a fresh ECDSA P-256 key and a
 * self-signed X.509 v3 certificate (RFC 5280) for the demo's MTA-STS host,
 * valid for one day. The demo passes the certificate to mailcheck as its only
 * extra trust anchor (`--ca-file`), so it vouches for nothing else.
 *
 * Node's crypto makes keys and signatures but does not write certificates;
 * the one fixed certificate shape needed here is a few DER structures
 * (ITU-T X.690), written below.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/** A certificate and its private key, both PEM. */
export interface DemoCertificate {
  /** The self-signed certificate: the server presents it, the client trusts it. */
  certPem: string;
  /** The PKCS #8 private key; kept in memory only. */
  keyPem: string;
}

/** DER tag-length-value (X.690 §8.1): definite length, short or long form. */
function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else {
    const octets: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
    header = [tag, 0x80 | octets.length, ...octets];
  }
  return Buffer.concat([Buffer.from(header), content]);
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
/**
 * A non-negative INTEGER from big-endian octets, in DER's one encoding
 * (X.690 §8.3.2, §10): no leading zero octet unless the next octet's top bit
 * is set, where one keeps the value positive. A random serial that starts
 * with a zero octet is otherwise refused by OpenSSL ("illegal padding").
 */
export function derInteger(octets: Buffer): Buffer {
  let start = 0;
  while (start < octets.length - 1 && octets[start] === 0) start++;
  const value = octets.length === 0 ? Buffer.from([0]) : octets.subarray(start);
  return tlv(0x02, value[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
}
const integer = derInteger;
const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
const bitString = (octets: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), octets]));
const octetString = (octets: Buffer): Buffer => tlv(0x04, octets);
const explicit = (number: number, content: Buffer): Buffer => tlv(0xa0 + number, content);
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

/** OBJECT IDENTIFIER (X.690 §8.19): the first two arcs in one octet, the rest base 128. */
function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const octets = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const base128: number[] = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) base128.unshift(0x80 | (rest & 0x7f));
    octets.push(...base128);
  }
  return tlv(0x06, Buffer.from(octets));
}

/** UTCTime YYMMDDHHMMSSZ: RFC 5280 §4.1.2.5.1 requires it for dates before 2050. */
function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return tlv(0x17, Buffer.from(`${text}Z`, 'ascii'));
}

const OID = {
  commonName: '2.5.4.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
} as const;

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * A fresh key and a self-signed certificate for `hostName`, valid from one
 * hour ago (clock skew) until one day after `now`.
 */
export function makeDemoCertificate(hostName: string, now: Date = new Date()): DemoCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  // RFC 5758 §3.2: ecdsa-with-SHA256 has no parameters.
  const signatureAlgorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const name = sequence(set(sequence(objectIdentifier(OID.commonName), utf8String(hostName))));
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // RFC 5280 §4.1.2.2: a positive serial of at most 20 octets.
  const extensions = explicit(
    3,
    sequence(
      // RFC 5280 §4.2.1.9: a trust anchor that is its own issuer says it is a CA.
      sequence(objectIdentifier(OID.basicConstraints), TRUE, octetString(sequence(TRUE))),
      // RFC 5280 §4.2.1.6: the host name as a dNSName ([2] IA5String); RFC 8461 §3.3 checks the policy host against it.
      sequence(objectIdentifier(OID.subjectAltName), octetString(sequence(tlv(0x82, Buffer.from(hostName, 'ascii'))))),
    ),
  );
  const tbsCertificate = sequence(
    explicit(0, integer(Buffer.from([2]))), // version v3
    integer(serial),
    signatureAlgorithm,
    name,
    sequence(utcTime(new Date(now.getTime() - 3_600_000)), utcTime(new Date(now.getTime() + 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  // Node signs ECDSA in DER (ECDSA-Sig-Value, RFC 5480 §2.2 / RFC 5758 §3.2), which is what the certificate carries.
  const signature = sign('sha256', tbsCertificate, privateKey);
  const certificate = sequence(tbsCertificate, signatureAlgorithm, bitString(signature));
  return {
    certPem: toPem('CERTIFICATE', certificate),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
