/**
 * A signed DNS tree for DNSSEC tests, built at run time under a private root
 * (its key given to mailcheck as a trust anchor, never IANA's):
 *
 * - `test`, signed, delegated with DS from the root; below it:
 *   - secure.test (ECDSA P-256), rsa.test (RSA/SHA-256), ed.test (Ed25519): secure chains,
 *     secure.test with an MX host and a signed TLSA RRset, bad-tlsa.test with a TLSA RRSIG that fails;
 *   - bogus.test: its DNSKEY RRSIG does not verify;
 *   - expired.test: its DNSKEY RRSIG expired an hour ago;
 *   - nsec.test: no DS, and an NSEC at the delegation proves it (insecure);
 *   - noproof.test: no DS and no proof of its absence (bogus);
 *   - unsupported.test: DS and DNSKEY of algorithm 5, which mailcheck does not validate;
 *   - timeout.test, servfail.test: the parent's DS answer never comes, or is SERVFAIL;
 * - `example`, signed with NSEC3 opt-out: optout.example is an unsigned delegation;
 * - island.lab: signed, delegated from nowhere, anchored by its own DNSKEY.
 */
import { createSignedTree, dsRdata, makeKey, nsec3HashOf, nsec3Rdata, nsecRdata, base32hexOf, soaRdata, T, type SignedTree, type ZoneKey } from './signed-zones.js';

export interface DnssecLab {
  tree: SignedTree;
  /** The private root's DS, as a trust-anchor file line. */
  rootAnchor: string;
  /** island.lab's DNSKEY, as a trust-anchor file line. */
  islandAnchor: string;
  now: number;
}

const tlsa = (hex: string) => Buffer.concat([Buffer.from([3, 1, 1]), Buffer.from(hex, 'hex')]);
const mx = (preference: number, host: string) => {
  const name = Buffer.concat(host.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])).concat([Buffer.from([0])]));
  const pref = Buffer.alloc(2);
  pref.writeUInt16BE(preference);
  return Buffer.concat([pref, name]);
};
const ipv4 = (text: string) => Buffer.from(text.split('.').map(Number));

/** A TLSA association (SHA-256 of some SubjectPublicKeyInfo) used by the lab's TLSA records. */
export const LAB_TLSA = '8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1';

function signedZone(tree: SignedTree, zone: string, algorithm: number, parent: ZoneKey | undefined): ZoneKey {
  const key = makeKey(zone, algorithm);
  tree.zone(key);
  if (parent) tree.rrset(zone, T.DS, [dsRdata(key)], parent);
  return key;
}

/** Builds the lab; `now` is seconds since the epoch. */
export function buildDnssecLab(now = Math.floor(Date.now() / 1000)): DnssecLab {
  const tree = createSignedTree(now);
  const root = signedZone(tree, '', 13, undefined);
  const test = signedZone(tree, 'test', 13, root);

  for (const [zone, algorithm] of [['secure.test', 13], ['rsa.test', 8], ['ed.test', 15]] as const) {
    const key = signedZone(tree, zone, algorithm, test);
    tree.rrset(zone, T.MX, [mx(10, `mx.${zone}`)], key);
    tree.rrset(`mx.${zone}`, T.A, [ipv4('127.0.0.1')], key);
    tree.rrset(`_25._tcp.mx.${zone}`, T.TLSA, [tlsa(LAB_TLSA)], key);
  }
  const badTlsa = signedZone(tree, 'bad-tlsa.test', 13, test);
  tree.rrset('bad-tlsa.test', T.MX, [mx(10, 'mx.bad-tlsa.test')], badTlsa);
  tree.rrset('mx.bad-tlsa.test', T.A, [ipv4('127.0.0.1')], badTlsa);
  tree.rrset('_25._tcp.mx.bad-tlsa.test', T.TLSA, [tlsa(LAB_TLSA)], badTlsa, { corrupt: true });

  const bogus = makeKey('bogus.test', 13);
  tree.zone(bogus, { corrupt: true });
  tree.rrset('bogus.test', T.DS, [dsRdata(bogus)], test);

  const expired = makeKey('expired.test', 13);
  tree.zone(expired, { inception: now - 86400, expiration: now - 3600 });
  tree.rrset('expired.test', T.DS, [dsRdata(expired)], test);

  // Unsigned children of test: their own SOA and MX, no DS at the parent.
  for (const zone of ['nsec.test', 'noproof.test']) {
    tree.rrset(zone, T.SOA, [soaRdata(zone)], null);
    tree.rrset(zone, T.MX, [mx(10, `mx.${zone}`)], null);
    tree.rrset(`mx.${zone}`, T.A, [ipv4('127.0.0.1')], null);
    tree.rrset(`_25._tcp.mx.${zone}`, T.TLSA, [tlsa(LAB_TLSA)], null);
  }
  // RFC 4035 §5.2: the NSEC at the delegation point shows NS and no DS.
  // timeout.test and servfail.test: signed, but the parent's DS answer never comes (or fails).
  for (const zone of ['timeout.test', 'servfail.test']) {
    signedZone(tree, zone, 13, undefined);
    tree.fail(zone, T.DS, zone === 'timeout.test' ? 'TIMEOUT' : 'SERVFAIL');
  }
  tree.negative('nsec.test', T.DS, 0, tree.signedRecords('nsec.test', T.NSEC, [nsecRdata('secure.test', [T.NS, T.RRSIG, T.NSEC])], test));

  const unsupported = makeKey('unsupported.test', 5);
  tree.rrset('unsupported.test', T.SOA, [soaRdata('unsupported.test')], null);
  tree.rrset('unsupported.test', T.DNSKEY, [unsupported.rdata], null);
  tree.rrset('unsupported.test', T.DS, [dsRdata(unsupported)], test);

  // `example`, NSEC3 with opt-out (RFC 5155 §6): optout.example is delegated without DS.
  const example = signedZone(tree, 'example', 13, root);
  tree.rrset('optout.example', T.SOA, [soaRdata('optout.example')], null);
  const salt = Buffer.from('aabb', 'hex');
  const iterations = 0;
  const apexHash = nsec3HashOf('example', salt, iterations);
  const otherHash = nsec3HashOf('zz.example', salt, iterations);
  const [first, second] = [apexHash, otherHash].sort(Buffer.compare) as [Buffer, Buffer];
  const typesOf = (hash: Buffer) => (hash.equals(apexHash) ? [T.NS, T.SOA, T.RRSIG, T.DNSKEY, 51] : [T.A, T.RRSIG]);
  const proof = [
    ...tree.signedRecords(`${base32hexOf(first)}.example`, T.NSEC3, [nsec3Rdata({ optOut: true, iterations, salt, next: second, types: typesOf(first) })], example),
    ...tree.signedRecords(`${base32hexOf(second)}.example`, T.NSEC3, [nsec3Rdata({ optOut: true, iterations, salt, next: first, types: typesOf(second) })], example),
  ];
  tree.negative('optout.example', T.DS, 0, proof);

  // An island of trust: nothing above vouches for it; its DNSKEY is a trust anchor.
  const island = makeKey('island.lab', 13);
  tree.zone(island);

  const dsLine = (key: ZoneKey) => {
    const rdata = dsRdata(key);
    return `${key.zone || '.'}${key.zone ? '.' : ''} IN DS ${key.keyTag} ${key.algorithm} 2 ${rdata.subarray(4).toString('hex')}`;
  };
  return {
    tree,
    rootAnchor: dsLine(root),
    islandAnchor: `island.lab. 3600 IN DNSKEY 257 3 13 ${island.rdata.subarray(4).toString('base64')}`,
    now,
  };
}
