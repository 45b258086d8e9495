/**
 * The logotype extension (RFC 3709) of a mark certificate: the logo the mark
 * verifying authority checked, embedded as a `data:` URI with its hash.
 *
 * Node's X509Certificate does not expose arbitrary extensions, and a full
 * ASN.1 library would be a large runtime dependency for one structure, so
 * this reads the DER (ITU-T X.690) directly with a small bounded reader: only
 * definite lengths, no value larger than the certificate, depth-limited.
 *
 * Structure read (RFC 3709 §4.1):
 *   LogotypeExtn ::= SEQUENCE { communityLogos [0], issuerLogo [1], subjectLogo [2] EXPLICIT LogotypeInfo, otherLogos [3] }
 *   LogotypeInfo ::= CHOICE { direct [0] IMPLICIT LogotypeData, indirect [1] IMPLICIT LogotypeReference }
 *   LogotypeData ::= SEQUENCE { image SEQUENCE OF LogotypeImage OPTIONAL, audio [1] … }
 *   LogotypeImage ::= SEQUENCE { imageDetails LogotypeDetails, imageInfo LogotypeImageInfo OPTIONAL }
 *   LogotypeDetails ::= SEQUENCE { mediaType IA5String, logotypeHash SEQUENCE OF HashAlgAndValue, logotypeURI SEQUENCE OF IA5String }
 *   HashAlgAndValue ::= SEQUENCE { hashAlg AlgorithmIdentifier, hashValue OCTET STRING }
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

/** node:zlib, loaded when a mark certificate's logo is compared: every audit imports this module with the BIMI check, few get that far. */
const gunzip = (): typeof import('node:zlib').gunzipSync => (createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib')).gunzipSync;

/** id-pe-logotype (RFC 3709 §4.1). */
export const LOGOTYPE_OID = '1.3.6.1.5.5.7.1.12';

/** Hash algorithms a logotype hash may use, by OID (RFC 3709 §4.1 allows any; these are the ones in use). */
const HASHES: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** An embedded logo is gunzipped to at most this many octets (the BIMI logo limit is 32 KB). */
const MAX_LOGO_OCTETS = 1 << 20;

interface Tlv {
  tag: number;
  /** The value's octets. */
  value: Buffer;
  /** Offset just past this element in the buffer it was read from. */
  end: number;
}

/** Reads one DER element at `offset` (definite lengths only, X.690 §10.1). */
function readTlv(buffer: Buffer, offset: number): Tlv {
  if (offset + 2 > buffer.length) throw new Error('DER element truncated');
  const tag = buffer[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('DER high tag numbers are not used here');
  let length = buffer[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4) throw new Error('DER length not definite or too large');
    if (start + octets > buffer.length) throw new Error('DER length truncated');
    length = 0;
    for (let index = 0; index < octets; index++) length = length * 256 + buffer[start + index]!;
    start += octets;
  }
  if (start + length > buffer.length) throw new Error('DER value overruns its container');
  return { tag, value: buffer.subarray(start, start + length), end: start + length };
}

/** The elements inside a constructed value. */
function children(value: Buffer): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < value.length) {
    const element = readTlv(value, offset);
    out.push(element);
    offset = element.end;
  }
  return out;
}

/** Decodes an OBJECT IDENTIFIER's value (X.690 §8.19). */
function oidText(value: Buffer): string {
  const parts: number[] = [];
  let current = 0;
  for (const octet of value) {
    current = current * 128 + (octet & 0x7f);
    if ((octet & 0x80) === 0) {
      parts.push(current);
      current = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

const SEQUENCE = 0x30;
const OID = 0x06;
const OCTET_STRING = 0x04;
const IA5_STRING = 0x16;

/** One logo image of the extension. */
export interface LogotypeImage {
  mediaType: string;
  /** Hashes of the object at the URI, as declared. */
  hashes: Array<{ algorithm: string; hex: string }>;
  uris: string[];
}

/** The extension's value from a certificate's DER, or undefined when the certificate has none. */
export function findExtension(certificateDer: Buffer, oid: string): Buffer | undefined {
  // Certificate ::= SEQUENCE { tbsCertificate, … }; extensions are tbsCertificate's [3] EXPLICIT element.
  const [tbs] = children(readTlv(certificateDer, 0).value);
  if (!tbs || tbs.tag !== SEQUENCE) throw new Error('not an X.509 certificate');
  const explicit3 = children(tbs.value).find((element) => element.tag === 0xa3);
  if (!explicit3) return undefined;
  const [extensions] = children(explicit3.value);
  for (const extension of children(extensions?.value ?? Buffer.alloc(0))) {
    const parts = children(extension.value);
    if (parts[0]?.tag !== OID || oidText(parts[0].value) !== oid) continue;
    const octets = parts.find((part, index) => index > 0 && part.tag === OCTET_STRING);
    return octets?.value;
  }
  return undefined;
}

/** The subject logo images of a logotype extension value (RFC 3709 §4.1). */
export function parseLogotype(extension: Buffer): LogotypeImage[] {
  const logotype = readTlv(extension, 0);
  if (logotype.tag !== SEQUENCE) throw new Error('the logotype extension is not a SEQUENCE');
  // subjectLogo is [2] EXPLICIT; BIMI puts the mark there.
  const subject = children(logotype.value).find((element) => element.tag === 0xa2);
  if (!subject) return [];
  const [info] = children(subject.value);
  // direct [0] IMPLICIT LogotypeData (constructed: 0xa0); indirect [1] holds only references.
  if (!info || info.tag !== 0xa0) return [];
  const [images] = children(info.value);
  if (!images || images.tag !== SEQUENCE) return [];
  return children(images.value).map((image) => {
    const [details] = children(image.value);
    const [mediaType, hashes, uris] = children(details?.value ?? Buffer.alloc(0));
    return {
      mediaType: mediaType?.tag === IA5_STRING ? mediaType.value.toString('latin1') : '',
      hashes: children(hashes?.value ?? Buffer.alloc(0)).map((pair) => {
        const [algorithm, value] = children(pair.value);
        const [algorithmOid] = children(algorithm?.value ?? Buffer.alloc(0));
        return {
          algorithm: algorithmOid?.tag === OID ? oidText(algorithmOid.value) : '',
          hex: value?.tag === OCTET_STRING ? value.value.toString('hex') : '',
        };
      }),
      uris: children(uris?.value ?? Buffer.alloc(0))
        .filter((uri) => uri.tag === IA5_STRING)
        .map((uri) => uri.value.toString('latin1')),
    };
  });
}

/** The octets of a `data:` URI (RFC 2397), or undefined for another scheme. */
export function dataUriOctets(uri: string): Buffer | undefined {
  const match = /^data:([^,]*),(.*)$/s.exec(uri);
  if (!match) return undefined;
  const base64 = match[1]!.split(';').some((parameter) => parameter.trim().toLowerCase() === 'base64');
  return base64 ? Buffer.from(match[2]!, 'base64') : Buffer.from(decodeURIComponent(match[2]!), 'utf8');
}

/**
 * What the certificate's logotype says about the logo served at `l=`:
 * violations, one line each (empty when the embedded logo is present, its
 * hash holds, and it is the served file).
 */
export function logotypeViolations(certificateDer: Buffer, servedLogo: Buffer | undefined): string[] {
  let extension: Buffer | undefined;
  let images: LogotypeImage[];
  try {
    extension = findExtension(certificateDer, LOGOTYPE_OID);
    if (!extension) return ['the mark certificate has no logotype extension (RFC 3709): it vouches for no logo'];
    images = parseLogotype(extension);
  } catch (error) {
    return [`the mark certificate's logotype extension does not parse: ${error instanceof Error ? error.message : String(error)}`];
  }
  const image = images.find((candidate) => candidate.uris.some((uri) => uri.startsWith('data:')));
  if (!image) return ['the mark certificate\'s logotype extension embeds no logo (no data: URI in its subject logo)'];
  const violations: string[] = [];
  const embedded = dataUriOctets(image.uris.find((uri) => uri.startsWith('data:'))!)!;
  // RFC 3709 §4.1: logotypeHash is computed over the object the URI references.
  const known = image.hashes.filter((hash) => HASHES[hash.algorithm] !== undefined);
  if (known.length === 0) violations.push('the logotype extension declares no hash in a known algorithm (SHA-1, SHA-256, SHA-384, SHA-512)');
  for (const hash of known) {
    const actual = createHash(HASHES[hash.algorithm]!).update(embedded).digest('hex');
    if (actual !== hash.hex.toLowerCase()) violations.push(`the logo embedded in the mark certificate does not match its ${HASHES[hash.algorithm]} hash`);
  }
  if (servedLogo) {
    let svg: Buffer;
    try {
      // The embedded SVG is usually gzip-compressed (image/svg+xml with a gzip payload).
      svg = embedded[0] === 0x1f && embedded[1] === 0x8b ? gunzip()(embedded, { maxOutputLength: MAX_LOGO_OCTETS }) : embedded;
    } catch (error) {
      violations.push(`the logo embedded in the mark certificate does not decompress: ${error instanceof Error ? error.message : String(error)}`);
      return violations;
    }
    if (!svg.equals(servedLogo)) violations.push('the SVG served at l= is not the logo embedded in the mark certificate');
  }
  return violations;
}
