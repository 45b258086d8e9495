/**
 * The DNS layer keeps what DNSSEC validation needs: a signed reply's records
 * in canonical form (RFC 4034 §6.2: names expanded and lower-cased, except in
 * NSEC per RFC 6840 §5.1), on the resolver's answers as `dnssec`.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../src/dns/wire.js';
import { useFixture } from './helpers/context.js';
import { createSignedTree, makeKey, nsecRdata, T, wireName } from './helpers/signed-zones.js';

/** A reply with a compressed, mixed-case MX exchange, an NSEC with a mixed-case next name, and an RRSIG. */
function reply(): Buffer {
  const header = Buffer.from([0x12, 0x34, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0]);
  const question = Buffer.concat([wireName('Example.TEST'), Buffer.from([0, 15, 0, 1])]);
  // The MX exchange "MX" + pointer to offset 12 (the question's name).
  const mxRdata = Buffer.from([0, 10, 2, 0x4d, 0x58, 0xc0, 12]);
  const mx = Buffer.concat([Buffer.from([0xc0, 12, 0, 15, 0, 1, 0, 0, 1, 44, 0, mxRdata.length]), mxRdata]);
  const nsecData = Buffer.concat([Buffer.from([4]), Buffer.from('Next'), Buffer.from([4]), Buffer.from('TEST'), Buffer.from([0, 0, 1, 0x40])]);
  const nsec = Buffer.concat([Buffer.from([0xc0, 12, 0, 47, 0, 1, 0, 0, 1, 44, 0, nsecData.length]), nsecData]);
  const rrsigData = Buffer.concat([Buffer.from([0, 15, 13, 2, 0, 0, 1, 44, 0, 0, 0, 2, 0, 0, 0, 1, 0, 7]), Buffer.from([7]), Buffer.from('Example'), Buffer.from([4]), Buffer.from('TEST'), Buffer.from([0]), Buffer.from([1, 2, 3])]);
  const rrsig = Buffer.concat([Buffer.from([0xc0, 12, 0, 46, 0, 1, 0, 0, 1, 44, 0, rrsigData.length]), rrsigData]);
  return Buffer.concat([header, question, mx, nsec, rrsig]);
}

describe('canonical RDATA of a signed reply', () => {
  it('expands and lower-cases the MX exchange, keeps the NSEC next name\'s case, lower-cases the RRSIG signer', () => {
    const message = decodeMessage(reply());
    const [mx, nsec, rrsig] = message.answers;
    expect(mx!.canonical).toEqual(Buffer.concat([Buffer.from([0, 10]), wireName('mx.example.test')]));
    expect(nsec!.canonical!.subarray(0, 11).toString('latin1')).toBe('\u0004Next\u0004TEST\u0000');
    expect(rrsig!.canonical!.subarray(18, 32)).toEqual(wireName('example.test'));
  });

  it('an unsigned reply carries no canonical RDATA', () => {
    const unsigned = reply();
    unsigned.writeUInt16BE(1, 6); // only the MX record
    expect(decodeMessage(unsigned.subarray(0, 12 + 18 + 19)).answers[0]!.canonical).toBeUndefined();
  });
});

describe('answers carry the signed records', () => {
  const now = Math.floor(Date.now() / 1000);
  const tree = createSignedTree(now);
  const key = makeKey('signed.test', 13);
  tree.zone(key);
  tree.negative('signed.test', T.DS, 0, tree.signedRecords('signed.test', T.NSEC, [nsecRdata('z.signed.test', [T.SOA, T.NS, T.DNSKEY, T.RRSIG, T.NSEC])], key));
  const fixture = useFixture({ zone: {} }, { answer: tree.answer });

  it('an answer: its RRset and the RRSIG over it', async () => {
    const answer = await fixture.freshDns().query('signed.test', 'DNSKEY');
    expect(answer.status).toBe('ok');
    expect(answer.status === 'ok' && answer.dnssec?.answer.map((record) => record.type)).toEqual([T.DNSKEY, T.RRSIG]);
  });

  it('a denial: the NSEC and its RRSIG from the authority section', async () => {
    const answer = await fixture.freshDns().query('signed.test', 'DS');
    expect(answer.status).toBe('nodata');
    expect(answer.status === 'nodata' && answer.dnssec?.authority.map((record) => record.type)).toEqual([T.NSEC, T.RRSIG]);
  });
});
