/**
 * The dkim judge on facts: whether a key is published (RFC 8020 for
 * _domainkey), each key's validity, size (RFC 8301 §3.2), flags and hashes,
 * and the exact records of the fixes.
 */
import { describe, expect, it } from 'vitest';
import { judgeFacts } from '../../src/checks/define.js';
import { dkimCheck, type DkimFacts, type DkimKeyFact } from '../../src/checks/dkim/index.js';
import { loadFixture } from '../../src/testing/fixture-server.js';
import { judgeCases } from '../helpers/judge.js';

const GENERIC = ['default', 'dkim', 'mail', 'selector1', 'selector2', 'google', 's1', 's2', 'k1'];

/** A key record found at `selector` of `domain`: a valid 2048-bit RSA key unless `more` says otherwise. */
function key(domain: string, selector: string, more: Partial<DkimKeyFact> = {}): DkimKeyFact {
  return {
    selector,
    name: `${selector}._domainkey.${domain}`,
    cnames: [],
    cnameTarget: null,
    record: 'v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA',
    recordCount: 1,
    version: 'DKIM1',
    keyType: 'rsa',
    bits: 2048,
    keyEncoding: 'spki',
    hashAlgorithms: null,
    services: ['*'],
    flags: [],
    testing: false,
    revoked: false,
    errors: [],
    ...more,
  };
}

/** Facts for `domain`: `keys` found among `selectors` probed (the others NXDOMAIN unless `statuses` says otherwise). */
function facts(domain: string, keys: DkimKeyFact[], more: Partial<DkimFacts> & { statuses?: Record<string, DkimFacts['probes'][number]['status']> } = {}): DkimFacts {
  const { statuses = {}, ...rest } = more;
  const selectors = rest.selectorsProbed ?? [...new Set([...keys.map((item) => item.selector), ...GENERIC])];
  return {
    domain,
    domainkey: keys.length > 0 ? 'nodata' : 'nxdomain',
    selectorsOnly: false,
    selectorsProbed: selectors,
    selectorSources: selectors.map((selector) => ({ selector, source: 'generic' })),
    providers: [],
    mxHosts: [],
    spfIncludes: [],
    invalidSelectors: [],
    probes: selectors.map((selector) => {
      const found = keys.some((item) => item.selector === selector);
      return { selector, name: `${selector}._domainkey.${domain}`, status: statuses[selector] ?? (found ? 'ok' : 'nxdomain'), found };
    }),
    keys,
    ...rest,
  };
}

/** The TXT record text a fixture publishes at `name` (character-strings joined). */
function published(fixtureName: string, name: string): string {
  const node = loadFixture(fixtureName).zone[name] as { TXT: Array<string | string[]> };
  const value = node.TXT[0];
  return Array.isArray(value) ? value.join('') : value;
}

const k1 = published('dkim-flags', 'k1._domainkey.flags.dkim.test');
const k2 = published('dkim-flags', 'k2._domainkey.flags.dkim.test');

const rotate = (domain: string) => [{ action: 'add' as const, name: `<NEW-SELECTOR>._domainkey.${domain}`, type: 'TXT', value: 'v=DKIM1; k=rsa; p=<PUBLIC-KEY-BASE64>' }];

const SCENARIOS = {
  valid: facts('valid.dkim.test', [key('valid.dkim.test', 'ed', { keyType: 'ed25519', bits: 256, keyEncoding: 'raw' }), key('valid.dkim.test', 'google')]),
  weak: facts('weak.dkim.test', [key('weak.dkim.test', 'default', { bits: 1024 })]),
  insecure: facts('insecure.dkim.test', [key('insecure.dkim.test', 'default', { bits: 512 })]),
  cname: facts('cname.dkim.test', [
    key('cname.dkim.test', 's1', { cnames: ['s1.domainkey.u1234.wl.provider.example.net'], cnameTarget: 's1.domainkey.u1234.wl.provider.example.net' }),
  ]),
  revoked: facts('revoked.dkim.test', [
    key('revoked.dkim.test', 'selector1', { record: 'v=DKIM1; k=rsa; p=', bits: null, keyEncoding: null, revoked: true }),
    key('revoked.dkim.test', 'selector2'),
  ]),
  flags: facts('flags.dkim.test', [
    key('flags.dkim.test', 'k1', { record: k1, flags: ['y', 's'], testing: true }),
    key('flags.dkim.test', 'k2', { record: k2, hashAlgorithms: ['sha1'] }),
  ]),
  invalid: facts('invalid.dkim.test', [
    key('invalid.dkim.test', 'dkim', { record: 'v=DKIM1; k=rsa; p=MIIB!!notbase64', bits: null, keyEncoding: null, errors: ['p= is not valid base64'] }),
    key('invalid.dkim.test', 's1', { errors: ['duplicate tag p'] }),
    key('invalid.dkim.test', 's2', { record: 'v=DKIM1; k=dsa; p=AAAA', keyType: 'dsa', bits: null, keyEncoding: null, errors: ['unknown key type k=dsa'] }),
  ]),
  // A wildcard answers every selector alike (RFC 4592): _domainkey existing proves nothing.
  wild: facts('wild.dkim.test', [], { domainkey: 'ok', statuses: Object.fromEntries(GENERIC.map((selector) => [selector, 'ok'])) }),
  // A key at an unknown selector makes _domainkey an empty non-terminal (RFC 8020): keys exist below it.
  none: facts('none.dkim.test', [], { domainkey: 'nodata' }),
  absent: facts('absent.dkim.test', [], { domainkey: 'nxdomain', selectorsProbed: [], providers: [{ id: 'google', name: 'Google Workspace', via: ['mx'] }] }),
  failing: facts('failing.dkim.test', [], { domainkey: 'nodata', statuses: { google: 'timeout', selector1: 'servfail' } }),
};

describe('dkim judge: finding ids per scenario', () => {
  judgeCases(dkimCheck, [
    { name: 'valid RSA and ed25519 keys', facts: SCENARIOS.valid, ids: [] },
    {
      name: 'a 1024-bit key is weak: rotate to 2048 bits under a new selector',
      facts: SCENARIOS.weak,
      ids: ['dkim/weak-key'],
      fixes: { 'dkim/weak-key': rotate('weak.dkim.test') },
      data: { 'dkim/weak-key': { limit: 2048, selectors: ['default'], bits: ['1024'] } },
      then: ([weak]) => {
        expect(weak!.fix!.summary).toBe('Rotate to a 2048-bit RSA key under a new selector');
        expect(Object.keys(weak!.fix!.placeholders ?? {}).sort()).toEqual(['NEW-SELECTOR', 'PUBLIC-KEY-BASE64']);
      },
    },
    {
      name: 'a 512-bit key is insecure: rotate to 2048 bits under a new selector',
      facts: SCENARIOS.insecure,
      ids: ['dkim/insecure-key'],
      fixes: { 'dkim/insecure-key': rotate('insecure.dkim.test') },
      data: { 'dkim/insecure-key': { limit: 1024, selectors: ['default'], bits: ['512'] } },
      then: ([insecure]) => expect(Object.keys(insecure!.fix!.placeholders ?? {}).sort()).toEqual(['NEW-SELECTOR', 'PUBLIC-KEY-BASE64']),
    },
    { name: 'a key behind a CNAME', facts: SCENARIOS.cname, ids: [] },
    {
      name: 'a revoked key',
      facts: SCENARIOS.revoked,
      ids: ['dkim/revoked-key'],
      then: ([revoked]) => expect(revoked!.evidence).toEqual(['selector1._domainkey.revoked.dkim.test TXT "v=DKIM1; k=rsa; p="']),
    },
    {
      name: 'testing-mode and sha1-only: the same record without the flag',
      facts: SCENARIOS.flags,
      ids: ['dkim/testing-mode', 'dkim/sha1-only'],
      fixes: {
        'dkim/testing-mode': [{ action: 'replace', name: 'k1._domainkey.flags.dkim.test', type: 'TXT', value: k1.replace('t=y:s; ', 't=s; '), current: k1 }],
        'dkim/sha1-only': [{ action: 'replace', name: 'k2._domainkey.flags.dkim.test', type: 'TXT', value: k2.replace('h=sha1; ', ''), current: k2 }],
      },
    },
    {
      name: 'each unusable record with its problem',
      facts: SCENARIOS.invalid,
      ids: ['dkim/invalid-record'],
      data: { 'dkim/invalid-record': { selectors: ['dkim', 's1', 's2'], problems: ['p= is not valid base64', 'duplicate tag p', 'unknown key type k=dsa'] } },
      then: ([invalid]) => expect(invalid!.evidence).toHaveLength(3),
    },
    { name: 'a wildcard that answers every selector: not-found', facts: SCENARIOS.wild, ids: ['dkim/not-found'] },
    {
      name: '_domainkey exists but no selector tried answers: selector-unknown (never not-found), listing every selector probed',
      facts: SCENARIOS.none,
      ids: ['dkim/selector-unknown'],
      then: ([unknown]) =>
        expect(unknown!.evidence).toEqual(['TXT _domainkey.none.dkim.test: NODATA', `selectors probed: ${SCENARIOS.none.selectorsProbed.join(', ')}`]),
    },
    {
      name: 'the selectors of a message\'s signatures that hold no key: not-found',
      facts: facts('none.dkim.test', [], { domainkey: 'nodata', selectorsOnly: true, selectorsProbed: ['custom'] }),
      ids: ['dkim/not-found'],
    },
    {
      name: '_domainkey is NXDOMAIN (RFC 8020): not-found without probing, with a fix naming where to turn signing on',
      facts: SCENARIOS.absent,
      ids: ['dkim/not-found'],
      data: { 'dkim/not-found': { noneBelow: true } },
      then: ([notFound]) => {
        expect(notFound!.evidence).toEqual(['TXT _domainkey.absent.dkim.test: NXDOMAIN']);
        expect(notFound!.fix?.summary).toBe('Set up DKIM signing at your sending service');
        expect(notFound!.fix?.records).toBeUndefined();
        expect(notFound!.fix?.notes![0]).toMatch(/^Google Workspace: Admin console/);
      },
    },
    {
      name: 'selector queries that fail: inconclusive, not not-found',
      facts: SCENARIOS.failing,
      ids: [],
      inconclusive: 'google._domainkey.failing.dkim.test: timeout',
    },
  ]);

  it('gives the catalogue severities', () => {
    const severities = new Map<string, string>();
    for (const scenario of [SCENARIOS.weak, SCENARIOS.insecure, SCENARIOS.revoked, SCENARIOS.flags, SCENARIOS.invalid, SCENARIOS.none, SCENARIOS.absent]) {
      for (const item of judgeFacts(dkimCheck, scenario).findings) severities.set(item.id, item.severity);
    }
    expect(Object.fromEntries(severities)).toEqual({
      'dkim/weak-key': 'medium',
      'dkim/insecure-key': 'high',
      'dkim/revoked-key': 'low',
      'dkim/sha1-only': 'medium',
      'dkim/testing-mode': 'low',
      'dkim/invalid-record': 'high',
      'dkim/not-found': 'high',
      'dkim/selector-unknown': 'info',
    });
  });
});

describe('dkim summary', () => {
  it('each key, or how many selectors were probed, naming the lookups that failed', () => {
    expect(dkimCheck.summarise(SCENARIOS.cname)).toEqual(['s1: rsa 2048 bits (CNAME → s1.domainkey.u1234.wl.provider.example.net)']);
    expect(dkimCheck.summarise(SCENARIOS.revoked)).toEqual(['selector1: revoked', 'selector2: rsa 2048 bits']);
    expect(dkimCheck.summarise(SCENARIOS.none)).toEqual([`no key at the ${GENERIC.length} selectors probed`]);
    expect(dkimCheck.summarise(SCENARIOS.failing)).toEqual([
      `no key found at ${GENERIC.length - 2} of the ${GENERIC.length} selectors probed; 2 lookup(s) failed (selector1: servfail, google: timeout)`,
    ]);
    expect(dkimCheck.summarise(SCENARIOS.absent)).toEqual([]);
  });
});
