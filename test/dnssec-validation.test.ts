/**
 * mailcheck's own DNSSEC validation (src/dnssec/, src/lookups/dnssec-chain.ts)
 * over the wire, against zones signed at run time (test/helpers/dnssec-lab.ts)
 * and served by the fixture DNS server on 127.0.0.1.
 */
import { describe, expect, it } from 'vitest';
import { parseTrustAnchors } from '../src/dnssec/anchors.js';
import { validateAnswer, zoneChain } from '../src/lookups/dnssec-chain.js';
import { buildDnssecLab } from './helpers/dnssec-lab.js';
import { useFixture } from './helpers/context.js';

const lab = buildDnssecLab();
const fixture = useFixture({ zone: {} }, { answer: lab.tree.answer });
const trustAnchors = [...parseTrustAnchors(lab.rootAnchor, 'root.keys'), ...parseTrustAnchors(lab.islandAnchor, 'island.keys')];
const chain = (zone: string, anchors = trustAnchors) => zoneChain(fixture.ctx(zone, { trustAnchors: anchors }), zone);

describe('chain of trust', () => {
  const table: Array<[string, string, RegExp?]> = [
    ['secure.test', 'secure'],
    ['rsa.test', 'secure'],
    ['ed.test', 'secure'],
    ['test', 'secure'],
    ['bogus.test', 'bogus', /does not verify/],
    ['expired.test', 'bogus', /expired/],
    ['nsec.test', 'insecure', /NSEC at nsec\.test/],
    ['noproof.test', 'bogus', /without NSEC or NSEC3/],
    ['unsupported.test', 'unsupported', /algorithm 5/],
    ['optout.example', 'insecure', /opt-out NSEC3/],
    ['island.lab', 'secure'],
  ];
  it.each(table)('%s → %s', async (zone, state, detail) => {
    const verdict = await chain(zone);
    expect(verdict.state, verdict.detail).toBe(state);
    if (detail) expect(verdict.detail).toMatch(detail);
  });

  it('names the anchor the chain starts from', async () => {
    expect((await chain('secure.test')).anchor?.source).toBe('root.keys:1');
    expect((await chain('island.lab')).anchor?.source).toBe('island.keys:1');
  });

  it('without the private root as an anchor, the built-in root anchors find no matching key: bogus, never secure', async () => {
    const verdict = await chain('secure.test', []);
    expect(verdict.state).toBe('bogus');
    expect(verdict.detail).toMatch(/trust anchor/);
  });

  it('validates a TLSA RRset, and finds a bad signature over one', async () => {
    const ctx = fixture.ctx('secure.test', { trustAnchors });
    const good = await ctx.dns.query('_25._tcp.mx.secure.test', 'TLSA');
    expect((await validateAnswer(ctx, '_25._tcp.mx.secure.test', 'TLSA', good, 'secure.test')).state).toBe('secure');
    const bad = await ctx.dns.query('_25._tcp.mx.bad-tlsa.test', 'TLSA');
    expect((await validateAnswer(ctx, '_25._tcp.mx.bad-tlsa.test', 'TLSA', bad, 'bad-tlsa.test')).state).toBe('bogus');
    const insecure = await ctx.dns.query('_25._tcp.mx.nsec.test', 'TLSA');
    expect((await validateAnswer(ctx, '_25._tcp.mx.nsec.test', 'TLSA', insecure, 'nsec.test')).state).toBe('insecure');
  });
});
