/**
 * The spf check against fixture zones, through the real resolver and the
 * local fixture DNS server: finding ids, severities, exact lookup counts and
 * the exact records each fix proposes (the composed fixes walk the proposed
 * records, so they need DNS); the judgements that need no more DNS are
 * tested on facts in test/judges/spf.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { spfCheck } from '../src/checks/spf/index.js';
import type { AuditOptions } from '../src/context.js';
import { loadFixture, type FixtureNode, type FixtureZone } from '../src/testing/fixture-server.js';
import type { CheckResult, FixRecord } from '../src/schema/report.js';
import { rankFixes } from '../src/score.js';
import { checkHost, type SpfResult } from '../src/spf/evaluate.js';
import type { SpfNode } from '../src/spf/walk.js';
import { findingIds, runCheck, startFixture } from './helpers/context.js';

async function check(fixture: string, domain: string, options: AuditOptions = {}): Promise<CheckResult> {
  const env = await startFixture(fixture);
  try {
    return await runCheck(spfCheck, env.ctx(domain, options));
  } finally {
    await env.close();
  }
}

function fixOf(result: CheckResult, id: string): FixRecord[] | undefined {
  return result.findings.find((finding) => finding.id === id)?.fix?.records;
}

const replace = (name: string, value: string, current: string): FixRecord => ({ action: 'replace', name, type: 'TXT', value, current });
const add = (name: string, value: string): FixRecord => ({ action: 'add', name, type: 'TXT', value });

describe('spf check: finding catalogue', () => {
  it('declares every id of the issue with its severity', () => {
    const severities = Object.fromEntries(Object.entries(spfCheck.findings).map(([id, spec]) => [id, spec.severity]));
    expect(severities).toEqual({
      'spf/missing': 'high',
      'spf/multiple-records': 'critical',
      'spf/syntax-error': 'critical',
      'spf/too-many-lookups': 'critical',
      'spf/void-lookups': 'high',
      'spf/loop': 'critical',
      'spf/include-missing': 'high',
      'spf/permissive-all': 'critical',
      'spf/neutral-all': 'medium',
      'spf/no-all': 'medium',
      'spf/ptr-mechanism': 'low',
      'spf/record-too-long': 'low',
      'spf/ip-not-authorized': 'high',
      'spf/terms-after-all': 'low',
    });
  });
});

describe('spf check: a healthy policy', () => {
  it('passes with its facts: record, tree, lookups, void lookups, all, networks', async () => {
    const result = await check('spf-good', 'good.test');
    expect(result.status).toBe('pass');
    expect(result.findings).toEqual([]);
    expect(result.facts).toMatchObject({
      record: 'v=spf1 mx include:_spf.mailhost.test -all',
      lookups: 2,
      voidLookups: 0,
      all: '-',
      allSource: 'good.test',
      networks: { ip4: ['192.0.2.10/32', '198.51.100.0/24'], ip6: ['2001:db8::10/128'], complete: true },
    });
    const tree = result.facts.tree as SpfNode;
    expect(tree).toMatchObject({ domain: 'good.test', status: 'ok', lookups: 2, totalLookups: 2 });
    expect(tree.children.map((child) => [child.term, child.status, child.lookups])).toEqual([['include:_spf.mailhost.test', 'ok', 0]]);
  });
});

describe('spf/missing', () => {
  it('reads no record, and the MX hosts a starting record covers', async () => {
    const env = await startFixture('spf-missing');
    const facts = await spfCheck.gather(env.ctx('hosted.test')).finally(() => env.close());
    expect(facts).toMatchObject({ record: null, records: [], mx: { status: 'ok', nullMx: false, hosts: ['aspmx.l.google.com', 'alt1.aspmx.l.google.com'] } });
    expect(spfCheck.facts.safeParse(facts).success).toBe(true);
    // The starting records per MX set are in the judge table (test/judges/spf.test.ts); one end to end:
    const result = await check('spf-missing', 'own.test');
    expect(findingIds(result)).toEqual(['spf/missing']);
    expect(fixOf(result, 'spf/missing')).toEqual([add('own.test', 'v=spf1 mx ~all')]);
  });
});

describe('spf/multiple-records', () => {
  it('proposes one merged record and the removal of the other', async () => {
    const result = await check('spf-multiple-records', 'multi.test');
    expect(findingIds(result)).toEqual(['spf/multiple-records']);
    expect(result.findings[0]!.severity).toBe('critical');
    expect(fixOf(result, 'spf/multiple-records')).toEqual([
      replace('multi.test', 'v=spf1 include:_spf.mailhost.test ip4:192.0.2.1 ~all', 'v=spf1 include:_spf.mailhost.test ~all'),
      { action: 'remove', name: 'multi.test', type: 'TXT', value: 'v=spf1 ip4:192.0.2.1 -all', current: 'v=spf1 ip4:192.0.2.1 -all' },
    ]);
    expect(result.facts.records).toEqual(['v=spf1 include:_spf.mailhost.test ~all', 'v=spf1 ip4:192.0.2.1 -all']);
    expect(result.facts.merged).toEqual({ record: 'v=spf1 include:_spf.mailhost.test ip4:192.0.2.1 ~all', lookups: 1 });
  });
});

describe('spf/syntax-error', () => {
  it('repairs a Unicode dash', async () => {
    const result = await check('spf-syntax-error', 'dash.test');
    expect(findingIds(result)).toEqual(['spf/syntax-error']);
    expect(result.findings[0]!.severity).toBe('critical');
    expect(fixOf(result, 'spf/syntax-error')).toEqual([
      replace('dash.test', 'v=spf1 ip4:192.0.2.1 include:_spf.mailhost.test -all', 'v=spf1 ip4:192.0.2.1 include:_spf.mailhost.test \u2013all'),
    ]);
    // The broken "all" is not reported again as a missing all.
    expect((result.facts.tree as SpfNode).syntaxErrors).toHaveLength(1);
  });

  it('gives no record to paste when the mistake cannot be repaired', async () => {
    const result = await check('spf-syntax-error', 'short.test');
    expect(findingIds(result)).toEqual(['spf/syntax-error']);
    expect(fixOf(result, 'spf/syntax-error')).toBeUndefined();
  });

  it('finds an error in an included record', async () => {
    const result = await check('spf-syntax-error', 'nested.test');
    expect(findingIds(result)).toEqual(['spf/syntax-error']);
    const tree = result.facts.tree as SpfNode;
    expect(tree.syntaxErrors).toBeUndefined();
    expect(tree.children[0]!.syntaxErrors).toHaveLength(1);
  });
});

describe('spf/too-many-lookups', () => {
  it('counts 17 lookups as RFC 7208 §4.6.4 does and proposes a record with 8', async () => {
    const result = await check('spf-too-many-lookups', 'busy.test');
    expect(findingIds(result)).toEqual(['spf/too-many-lookups']);
    expect(result.findings[0]!.severity).toBe('critical');
    expect(result.facts.lookups).toBe(17);
    expect(result.facts.proposedLookups).toBe(8);
    const tree = result.facts.tree as SpfNode;
    expect([tree.lookups, tree.totalLookups]).toEqual([7, 17]);
    expect(tree.children.map((child) => [child.term, child.lookups, child.totalLookups])).toEqual([
      ['include:_spf.crm.test', 2, 2],
      ['include:_spf.mail.test', 3, 3],
      ['include:_spf.news.test', 1, 1],
      ['include:_spf.crm.test', 2, 2],
      ['include:_spf.shop.test', 2, 2],
    ]);
    expect(result.facts.macroTargets).toEqual(['_spf.news.test: exists:%{i}._ip.news.test']);
    expect(fixOf(result, 'spf/too-many-lookups')).toEqual([
      replace(
        'busy.test',
        'v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 include:_spf.crm.test ip4:198.51.100.0/28 ip4:198.51.100.16/28 ip4:198.51.100.32/28 include:_spf.news.test include:_spf.shop.test ~all',
        'v=spf1 a mx include:_spf.crm.test include:_spf.mail.test include:_spf.news.test include:_spf.crm.test include:_spf.shop.test ~all',
      ),
    ]);
    const notes = result.findings[0]!.fix!.notes!;
    expect(notes[0]).toContain('17 before, 8 after');
  });

  it('splits a flattened record over 450 octets into _spfN sub-records', async () => {
    const result = await check('spf-flatten-split', 'wide.test');
    expect(findingIds(result)).toEqual(['spf/too-many-lookups']);
    expect(result.facts.lookups).toBe(12);
    expect(result.facts.proposedLookups).toBe(3);
    const cloud = (first: number, last: number) => {
      const terms: string[] = [];
      for (let i = 1; i <= 10; i++) for (let j = 1; j <= 4; j++) terms.push(`ip4:10.${i}.${j}.0/24`);
      return terms.slice(first, last).join(' ');
    };
    const records = fixOf(result, 'spf/too-many-lookups')!;
    expect(records).toEqual([
      replace('wide.test', 'v=spf1 include:_spf1.wide.test include:_spf2.wide.test include:_spf.mailhost.test ~all', 'v=spf1 include:_spf.cloud.test include:_spf.mailhost.test ~all'),
      add('_spf1.wide.test', `v=spf1 ${cloud(0, 27)} -all`),
      add('_spf2.wide.test', `v=spf1 ${cloud(27, 40)} -all`),
    ]);
    for (const record of records) expect(Buffer.byteLength(record.value)).toBeLessThanOrEqual(450);
  });

  it('proposes no record when nothing can be flattened (11 exists terms with macros)', async () => {
    const result = await check('spf-too-many-lookups', 'manyexists.test');
    expect(findingIds(result)).toEqual(['spf/too-many-lookups']);
    expect(result.facts.lookups).toBe(11);
    expect(result.findings[0]!.fix?.records).toBeUndefined();
    expect(result.facts.proposedLookups).toBeNull();
  });

  it('counts an mx term naming more than 10 hosts and resolves every host in the fix', async () => {
    const result = await check('spf-mx-limit', 'manymx.test');
    expect(findingIds(result)).toEqual(['spf/too-many-lookups']);
    expect(result.facts.lookups).toBe(1);
    const hosts = Array.from({ length: 11 }, (_, i) => `ip4:192.0.2.${51 + i}`).join(' ');
    expect(fixOf(result, 'spf/too-many-lookups')).toEqual([replace('manymx.test', `v=spf1 ${hosts} -all`, 'v=spf1 mx -all')]);
  });
});

describe('spf/void-lookups', () => {
  it('counts 3 void lookups and removes the terms that resolve to nothing', async () => {
    const result = await check('spf-void-lookups', 'void.test');
    expect(findingIds(result)).toEqual(['spf/void-lookups']);
    expect(result.findings[0]!.severity).toBe('high');
    expect(result.facts).toMatchObject({ lookups: 4, voidLookups: 3 });
    expect(fixOf(result, 'spf/void-lookups')).toEqual([
      replace('void.test', 'v=spf1 include:_spf.mailhost.test -all', 'v=spf1 a:gone1.void.test a:gone2.void.test mx:gone3.void.test include:_spf.mailhost.test -all'),
    ]);
  });
});

describe('spf/loop', () => {
  it('finds an include loop two levels deep', async () => {
    const result = await check('spf-loop', 'loop.test');
    expect(findingIds(result)).toEqual(['spf/loop']);
    expect(result.findings[0]!.severity).toBe('critical');
    const tree = result.facts.tree as SpfNode;
    expect(tree.children[0]!.children.map((child) => [child.domain, child.status])).toEqual([['loop.test', 'loop']]);
    expect(result.facts.lookups).toBe(2);
  });

  it('removes a self-redirect and ends the record in ~all', async () => {
    const result = await check('spf-loop', 'selfloop.test');
    expect(findingIds(result)).toEqual(['spf/loop']);
    expect(fixOf(result, 'spf/loop')).toEqual([replace('selfloop.test', 'v=spf1 ip4:192.0.2.1 ~all', 'v=spf1 ip4:192.0.2.1 redirect=selfloop.test')]);
  });
});

describe('spf/include-missing', () => {
  it('reports include targets that do not exist or publish no SPF record', async () => {
    const result = await check('spf-include-missing', 'incmiss.test');
    expect(findingIds(result)).toEqual(['spf/include-missing']);
    expect(result.findings[0]!.severity).toBe('high');
    expect(result.facts).toMatchObject({ lookups: 3, voidLookups: 1 });
    expect(fixOf(result, 'spf/include-missing')).toEqual([
      replace('incmiss.test', 'v=spf1 include:_spf.mailhost.test -all', 'v=spf1 include:gone.incmiss.test include:nospf.incmiss.test include:_spf.mailhost.test -all'),
    ]);
  });

  it('reports a redirect target without SPF', async () => {
    const result = await check('spf-include-missing', 'redirmiss.test');
    expect(findingIds(result)).toEqual(['spf/include-missing']);
    expect(fixOf(result, 'spf/include-missing')).toEqual([replace('redirmiss.test', 'v=spf1 ~all', 'v=spf1 redirect=_spf.redirmiss.test')]);
  });
});

describe('the effective all', () => {
  it('spf/permissive-all: +all becomes ~all', async () => {
    const result = await check('spf-permissive-all', 'open.test');
    expect(findingIds(result)).toEqual(['spf/permissive-all']);
    expect(result.findings[0]!.severity).toBe('critical');
    expect(result.facts.all).toBe('+');
    expect(fixOf(result, 'spf/permissive-all')).toEqual([replace('open.test', 'v=spf1 ip4:192.0.2.0/24 ~all', 'v=spf1 ip4:192.0.2.0/24 +all')]);
  });

  it('spf/permissive-all: a bare all becomes -all when the record already covers every known sender', async () => {
    const result = await check('spf-permissive-all', 'bare.test');
    expect(findingIds(result)).toEqual(['spf/permissive-all']);
    expect(fixOf(result, 'spf/permissive-all')).toEqual([replace('bare.test', 'v=spf1 mx -all', 'v=spf1 mx all')]);
  });

  it('spf/permissive-all: +all reached through redirect is fixed at the redirect target', async () => {
    const result = await check('spf-permissive-all', 'viaredirect.test');
    expect(findingIds(result)).toEqual(['spf/permissive-all']);
    expect(result.facts).toMatchObject({ all: '+', allSource: '_spf.viaredirect.test' });
    expect(fixOf(result, 'spf/permissive-all')).toEqual([
      replace('_spf.viaredirect.test', 'v=spf1 ip4:192.0.2.31 ~all', 'v=spf1 ip4:192.0.2.31 +all'),
    ]);
  });

  it('spf/permissive-all: an included record ending in +all makes the include match everyone (RFC 7208 §5.2)', async () => {
    const result = await check('spf-permissive-include', 'open-include.test');
    expect(findingIds(result)).toEqual(['spf/permissive-all']);
    // The root's own all is -all: the include is what opens the policy.
    expect(result.facts.all).toBe('-');
    const finding = result.findings[0]!;
    expect(finding.severity).toBe('critical');
    expect(finding.evidence).toEqual([
      'open-include.test → include:_spf.open-provider.test: _spf.open-provider.test TXT "v=spf1 ip4:198.51.100.0/24 +all"',
    ]);
    expect(fixOf(result, 'spf/permissive-all')).toEqual([
      replace('open-include.test', 'v=spf1 ip4:192.0.2.50 -all', 'v=spf1 ip4:192.0.2.50 include:_spf.open-provider.test -all'),
    ]);
    // Who can fix the included record, what removing the include costs, and the lookups (1 before, 0 after).
    expect(finding.fix?.notes).toHaveLength(3);
    expect(finding.fix?.notes?.[2]).toContain('1 before, 0 after');
    // check_host() agrees: any address passes through the include.
    const evaluated = await check('spf-permissive-include', 'open-include.test', { ips: ['203.0.113.99'] });
    expect(evaluated.facts.ipResults).toMatchObject([{ ip: '203.0.113.99', result: 'pass', mechanism: '+all', mechanismDomain: '_spf.open-provider.test' }]);
  });

  it('spf/permissive-all: a bare all two includes down, behind a redirect, with the whole include path', async () => {
    const result = await check('spf-permissive-include', 'nested-open.test');
    expect(findingIds(result)).toEqual(['spf/permissive-all']);
    expect(result.findings[0]!.evidence).toEqual([
      'nested-open.test → include:relay.nested-open.test → include:deep.nested-open.test: deep.nested-open.test TXT "v=spf1 redirect=last.nested-open.test"',
    ]);
    // The domain controls only its own include: dropping it is the fix it can make.
    expect(fixOf(result, 'spf/permissive-all')).toEqual([
      replace('nested-open.test', 'v=spf1 ~all', 'v=spf1 include:relay.nested-open.test ~all'),
    ]);
  });

  it('spf/permissive-all: an include in a redirect target has no record of the domain to change', async () => {
    const result = await check('spf-permissive-include', 'redirect-open.test');
    expect(findingIds(result)).toEqual(['spf/permissive-all']);
    expect(result.findings[0]!.evidence).toEqual([
      'redirect-open.test → redirect=_spf.redirect-open.test → include:_spf.open-provider.test: _spf.open-provider.test TXT "v=spf1 ip4:198.51.100.0/24 +all"',
    ]);
    expect(fixOf(result, 'spf/permissive-all')).toBeUndefined();
    expect(result.findings[0]!.fix?.notes?.length).toBeGreaterThan(0);
  });

  it('a ~include of a +all record softfails everyone: not permissive', async () => {
    const result = await check('spf-permissive-include', 'softly.test');
    expect(findingIds(result)).toEqual([]);
  });

  it('one spf/permissive-all finding when the root and an include both pass everyone', async () => {
    const result = await check('spf-permissive-include', 'both-open.test');
    expect(findingIds(result)).toEqual(['spf/permissive-all']);
    expect(result.findings[0]!.evidence).toEqual([
      'both-open.test TXT "v=spf1 include:_spf.open-provider.test +all"',
      'both-open.test → include:_spf.open-provider.test: _spf.open-provider.test TXT "v=spf1 ip4:198.51.100.0/24 +all"',
    ]);
    // Both ways of passing everyone go: "+all" alone would leave the include matching every IP.
    expect(fixOf(result, 'spf/permissive-all')).toEqual([replace('both-open.test', 'v=spf1 ~all', 'v=spf1 include:_spf.open-provider.test +all')]);
  });

  it('spf/neutral-all: ?all becomes ~all', async () => {
    const result = await check('spf-neutral-all', 'neutral.test');
    expect(findingIds(result)).toEqual(['spf/neutral-all']);
    expect(result.findings[0]!.severity).toBe('medium');
    expect(result.status).toBe('warn');
    expect(fixOf(result, 'spf/neutral-all')).toEqual([
      replace('neutral.test', 'v=spf1 include:_spf.mailhost.test ~all', 'v=spf1 include:_spf.mailhost.test ?all'),
    ]);
  });

  it('spf/no-all: ~all is added after the last mechanism', async () => {
    const result = await check('spf-no-all', 'noall.test');
    expect(findingIds(result)).toEqual(['spf/no-all']);
    expect(result.findings[0]!.severity).toBe('medium');
    expect(result.facts.all).toBeNull();
    expect(fixOf(result, 'spf/no-all')).toEqual([
      replace('noall.test', 'v=spf1 ip4:192.0.2.1 ~all exp=why.noall.test', 'v=spf1 ip4:192.0.2.1 exp=why.noall.test'),
    ]);
  });

  it('spf/no-all: a redirect target without all is fixed where it is published', async () => {
    const result = await check('spf-no-all', 'redir.test');
    expect(findingIds(result)).toEqual(['spf/no-all']);
    expect(fixOf(result, 'spf/no-all')).toEqual([replace('_spf.redir.test', 'v=spf1 ip4:192.0.2.5 ~all', 'v=spf1 ip4:192.0.2.5')]);
  });
});

describe('spf/ptr-mechanism and spf/record-too-long', () => {
  it('flags ptr (low) and proposes the record without it', async () => {
    const result = await check('spf-ptr', 'ptr.test');
    expect(findingIds(result)).toEqual(['spf/ptr-mechanism']);
    expect(result.findings[0]!.severity).toBe('low');
    expect(result.facts.lookups).toBe(1);
    expect(fixOf(result, 'spf/ptr-mechanism')).toEqual([replace('ptr.test', 'v=spf1 ip4:192.0.2.1 -all', 'v=spf1 ptr ip4:192.0.2.1 -all')]);
  });

  it('flags a record over 450 octets (low) and splits it', async () => {
    const result = await check('spf-record-too-long', 'long.test');
    expect(findingIds(result)).toEqual(['spf/record-too-long']);
    expect(result.findings[0]!.severity).toBe('low');
    const ips = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `ip4:192.0.2.${from + i}`).join(' ');
    const current = `v=spf1 ${ips(1, 30)} include:_spf.mailhost.test -all`;
    expect(fixOf(result, 'spf/record-too-long')).toEqual([
      replace('long.test', 'v=spf1 include:_spf1.long.test include:_spf2.long.test include:_spf.mailhost.test -all', current),
      add('_spf1.long.test', `v=spf1 ${ips(1, 29)} -all`),
      add('_spf2.long.test', `v=spf1 ${ips(30, 30)} -all`),
    ]);
  });
});

describe('spf/record-too-long without terms to move', () => {
  it('proposes no record when the composed record would be the published one', async () => {
    const result = await check('spf-record-too-long', 'verbose.test');
    expect(findingIds(result)).toEqual(['spf/record-too-long']);
    expect(Buffer.byteLength(result.facts.record as string)).toBe(471);
    expect(result.findings[0]!.fix?.records).toBeUndefined();
    expect(result.facts.proposedLookups).toBeNull();
  });
});

describe('DNS failures are inconclusive, never missing', () => {
  it('a TXT timeout ends the check in error without spf/missing', async () => {
    const result = await check('spf-dns-failure', 'flaky.test');
    expect(result.status).toBe('error');
    expect(result.findings).toEqual([]);
    expect(result.error).toContain('timeout');
    expect(result.facts).toMatchObject({ record: null, lookups: 0 });
  });

  it('a SERVFAIL on an include target ends the check in error with the tree kept', async () => {
    const result = await check('spf-dns-failure', 'partial.test');
    expect(result.status).toBe('error');
    expect(findingIds(result)).toEqual([]);
    const tree = result.facts.tree as SpfNode;
    expect(tree.children.map((child) => child.status)).toEqual(['dns-error']);
    expect(result.facts.dnsErrors).toEqual(['DNS servfail for broken.partial.test TXT']);
  });
});

describe('macros', () => {
  it('validates macro targets without querying them and lists them in the facts', async () => {
    const result = await check('spf-macro', 'macro.test');
    expect(result.status).toBe('pass');
    expect(result.facts).toMatchObject({
      lookups: 2,
      macroTargets: ['macro.test: exists:%{i}._spf.macro.test', 'macro.test: include:%{l1r-}.users.macro.test'],
      networks: { ip4: ['192.0.2.1/32'], ip6: [], complete: false },
    });
  });
});

describe('spf/ip-not-authorized', () => {
  it('evaluates each sending IP and adds the failing ones before the all', async () => {
    const result = await check('spf-sending-ips', 'send.test', { ips: ['192.0.2.40', '203.0.113.9', '2001:db8::25'] });
    expect(findingIds(result)).toEqual(['spf/ip-not-authorized']);
    expect(result.findings[0]!.severity).toBe('high');
    expect(result.facts.ipResults).toEqual([
      { ip: '192.0.2.40', result: 'pass', lookups: 1, voidLookups: 0, mechanism: 'mx', mechanismDomain: 'send.test' },
      {
        ip: '203.0.113.9',
        result: 'fail',
        lookups: 2,
        voidLookups: 0,
        mechanism: '-all',
        mechanismDomain: 'send.test',
        explanation: "203.0.113.9 is not one of send.test's senders",
      },
      expect.objectContaining({ ip: '2001:db8::25', result: 'fail', mechanism: '-all' }),
    ]);
    expect(fixOf(result, 'spf/ip-not-authorized')).toEqual([
      replace(
        'send.test',
        'v=spf1 mx include:_spf.mailhost.test ip4:203.0.113.9 ip6:2001:db8::25 -all exp=why.send.test',
        'v=spf1 mx include:_spf.mailhost.test -all exp=why.send.test',
      ),
    ]);
  });

  it('adds the IP before the term that denied it', async () => {
    const result = await check('spf-sending-ips', 'deny.test', { ips: ['203.0.113.9'] });
    expect(findingIds(result)).toEqual(['spf/ip-not-authorized']);
    expect(fixOf(result, 'spf/ip-not-authorized')).toEqual([
      replace('deny.test', 'v=spf1 ip4:203.0.113.9 -ip4:203.0.113.9 include:_spf.mailhost.test ~all', 'v=spf1 -ip4:203.0.113.9 include:_spf.mailhost.test ~all'),
    ]);
  });

  it('no finding when every sending IP passes', async () => {
    const result = await check('spf-sending-ips', 'send.test', { ips: ['192.0.2.40', '198.51.100.7'] });
    expect(findingIds(result)).toEqual([]);
    expect((result.facts.ipResults as Array<{ result: string }>).map((entry) => entry.result)).toEqual(['pass', 'pass']);
  });

  it('builds on the record the other fixes propose', async () => {
    const result = await check('spf-neutral-all', 'neutral.test', { ips: ['203.0.113.1'] });
    expect(findingIds(result)).toEqual(['spf/ip-not-authorized', 'spf/neutral-all']);
    expect((result.facts.ipResults as Array<{ result: string }>)[0]!.result).toBe('neutral');
    const composed = [replace('neutral.test', 'v=spf1 include:_spf.mailhost.test ip4:203.0.113.1 ~all', 'v=spf1 include:_spf.mailhost.test ?all')];
    expect(fixOf(result, 'spf/ip-not-authorized')).toEqual(composed);
    // The ?all fix proposes the same record: applying either applies both.
    expect(fixOf(result, 'spf/neutral-all')).toEqual(composed);
  });

  it('a temperror while evaluating an IP is inconclusive, not a finding', async () => {
    const result = await check('spf-dns-failure', 'partial.test', { ips: ['192.0.2.1'] });
    expect(result.status).toBe('error');
    expect(findingIds(result)).toEqual([]);
    expect((result.facts.ipResults as Array<{ result: string }>)[0]!.result).toBe('temperror');
  });
});

/** The fixture with the fix records applied: what the zone holds once they are published. */
function published(fixture: string, records: readonly FixRecord[]): FixtureZone {
  const doc = structuredClone(loadFixture(fixture));
  const text = (value: unknown) => (Array.isArray(value) ? value.join('') : String(value));
  for (const record of records) {
    const node = (doc.zone[record.name] ??= {}) as FixtureNode;
    const txt = ((node.TXT ?? []) as Array<string | string[]>).filter((value) => record.current === undefined || text(value) !== record.current);
    // One record of several character-strings of at most 255 octets (RFC 7208 §3.3).
    if (record.action !== 'remove') txt.push(record.value.match(/.{1,255}/g)!);
    node.TXT = txt;
  }
  return doc;
}

/** check_host() for each IP at `domain` once `records` are published (a real resolver against a local DNS server). */
async function evaluateWith(fixture: string, domain: string, records: readonly FixRecord[], ips: readonly string[]) {
  const env = await startFixture(published(fixture, records));
  try {
    const outcomes = await Promise.all(ips.map((ip) => checkHost(env.dns, { ip, domain, sender: `postmaster@${domain}`, helo: domain })));
    const spf = await env.dns.query(domain, 'TXT');
    const spfRecords = spf.status === 'ok' ? spf.records.map((strings) => strings.join('')).filter((value) => /^v=spf1( |$)/i.test(value)) : [];
    return { results: Object.fromEntries(ips.map((ip, i) => [ip, outcomes[i]!.result])) as Record<string, SpfResult>, outcomes, spfRecords };
  } finally {
    await env.close();
  }
}

/** The first address of every network the published policy authorises (facts.networks). */
function authorisedBefore(result: CheckResult): string[] {
  const networks = result.facts.networks as { ip4: string[]; ip6: string[] };
  return [...networks.ip4, ...networks.ip6].map((network) => network.split('/')[0]!);
}

/** Every fix of the result that carries records, by finding id. */
function recordsById(result: CheckResult): Record<string, FixRecord[]> {
  return Object.fromEntries(result.findings.filter((finding) => finding.fix?.records).map((finding) => [finding.id, finding.fix!.records!]));
}

/** The fix of one finding names every other change the record makes (by finding id), and not its own. */
function expectNotesNameTheOthers(result: CheckResult, ids: readonly string[]) {
  for (const finding of result.findings) {
    const notes = (finding.fix?.notes ?? []).join('\n');
    for (const other of ids) {
      if (other === finding.id) expect(notes, finding.id).not.toContain(`(${other})`);
      else expect(notes, `${finding.id} names ${other}`).toContain(`(${other})`);
    }
  }
}

describe('composed fixes: every fix that replaces the SPF record proposes the same records', () => {
  it('a dead include, ptr and ?all: one record without the include and ptr, ending in ~all', async () => {
    const result = await check('spf-composed', 'combo.test');
    expect(findingIds(result)).toEqual(['spf/include-missing', 'spf/neutral-all', 'spf/ptr-mechanism']);
    const composed = [
      replace('combo.test', 'v=spf1 mx include:_spf.mailhost.test ~all', 'v=spf1 ptr include:gone.combo.test mx include:_spf.mailhost.test ?all'),
    ];
    expect(recordsById(result)).toEqual({ 'spf/include-missing': composed, 'spf/neutral-all': composed, 'spf/ptr-mechanism': composed });
    // Each finding keeps its own summary.
    expect(new Set(result.findings.map((finding) => finding.fix!.summary)).size).toBe(3);
    expectNotesNameTheOthers(result, ['spf/include-missing', 'spf/neutral-all', 'spf/ptr-mechanism']);
    expect(result.facts).toMatchObject({ lookups: 4, proposedLookups: 2 });
    // Ranked as one fix that resolves all three, led by the most severe.
    const ranked = rankFixes([result]);
    expect(ranked).toHaveLength(1);
    expect(ranked[0]).toMatchObject({ findingId: 'spf/include-missing', resolves: ['spf/include-missing', 'spf/neutral-all', 'spf/ptr-mechanism'] });

    // Published, the record passes every network it authorised before and softfails the rest.
    const before = authorisedBefore(result);
    expect(before).toEqual(['192.0.2.60', '198.51.100.0']);
    const { results } = await evaluateWith('spf-composed', 'combo.test', composed, [...before, '203.0.113.99']);
    expect(results).toEqual({ '192.0.2.60': 'pass', '198.51.100.0': 'pass', '203.0.113.99': 'softfail' });
  });

  it('the same with three void lookups and 17 lookups: removals first, then flattening and splitting into _spfN sub-records', async () => {
    const result = await check('spf-composed', 'flat.test');
    const ids = ['spf/include-missing', 'spf/neutral-all', 'spf/ptr-mechanism', 'spf/too-many-lookups', 'spf/void-lookups'];
    expect(findingIds(result)).toEqual(ids);
    expect(result.facts).toMatchObject({ lookups: 17, voidLookups: 3, proposedLookups: 3 });
    const cloud = (first: number, last: number) => {
      const terms: string[] = [];
      for (let i = 1; i <= 10; i++) for (let j = 1; j <= 4; j++) terms.push(`ip4:10.${i}.${j}.0/24`);
      return terms.slice(first, last).join(' ');
    };
    const composed = [
      replace(
        'flat.test',
        'v=spf1 include:_spf1.flat.test include:_spf2.flat.test include:_spf.mailhost.test ~all',
        'v=spf1 ptr a a:old1.flat.test a:old2.flat.test include:gone.flat.test include:_spf.cloud.test include:_spf.mailhost.test ?all',
      ),
      add('_spf1.flat.test', `v=spf1 ip4:192.0.2.70 ${cloud(0, 26)} -all`),
      add('_spf2.flat.test', `v=spf1 ${cloud(26, 40)} -all`),
    ];
    expect(recordsById(result)).toEqual(Object.fromEntries(ids.map((id) => [id, composed])));
    for (const record of composed) expect(Buffer.byteLength(record.value)).toBeLessThanOrEqual(450);
    expectNotesNameTheOthers(result, ids);
    // The lookup count of the composed record, first in the lookup finding's notes.
    const tooMany = result.findings.find((finding) => finding.id === 'spf/too-many-lookups')!;
    expect(tooMany.fix!.notes![0]).toContain('17 before, 3 after');
    // The void-lookup change names only the void a: terms: the dead include is the include-missing change.
    const voidNotes = result.findings.find((finding) => finding.id === 'spf/include-missing')!.fix!.notes!.join('\n');
    expect(voidNotes).toContain('a:old1.flat.test, a:old2.flat.test removed (spf/void-lookups)');
    // One ranked fix, led by the critical finding.
    expect(rankFixes([result]).map((fix) => fix.resolves)).toEqual([['spf/too-many-lookups', 'spf/include-missing', 'spf/void-lookups', 'spf/neutral-all', 'spf/ptr-mechanism']]);

    const before = authorisedBefore(result);
    expect(before).toHaveLength(42);
    const { results, outcomes } = await evaluateWith('spf-composed', 'flat.test', composed, [...before, '203.0.113.99']);
    expect(Object.entries(results).filter(([, value]) => value !== 'pass').map(([ip]) => ip)).toEqual(['203.0.113.99']);
    expect(results['203.0.113.99']).toBe('softfail');
    // Within the limit for every client (RFC 7208 §4.6.4).
    expect(Math.max(...outcomes.map((outcome) => outcome.lookups))).toBeLessThanOrEqual(3);
  });

  it('a sending IP joins the composed record (flattened with the other ip4 terms) and every fix carries it', async () => {
    const result = await check('spf-composed', 'flat.test', { ips: ['203.0.113.200'] });
    const records = recordsById(result);
    expect(Object.keys(records).sort()).toEqual([
      'spf/include-missing',
      'spf/ip-not-authorized',
      'spf/neutral-all',
      'spf/ptr-mechanism',
      'spf/too-many-lookups',
      'spf/void-lookups',
    ]);
    const composed = records['spf/ip-not-authorized']!;
    for (const value of Object.values(records)) expect(value).toEqual(composed);
    expect(composed.map((record) => record.name)).toEqual(['flat.test', '_spf1.flat.test', '_spf2.flat.test']);
    expect(composed[2]!.value.endsWith(' ip4:203.0.113.200 -all')).toBe(true);
    expect(rankFixes([result])).toHaveLength(1);
    const { results } = await evaluateWith('spf-composed', 'flat.test', composed, ['203.0.113.200', '192.0.2.70', '10.10.4.1']);
    expect(results).toEqual({ '203.0.113.200': 'pass', '192.0.2.70': 'pass', '10.10.4.1': 'pass' });
  });

  it('over 10 lookups only until the dead include and ptr go: nothing is flattened', async () => {
    const result = await check('spf-composed', 'slim.test');
    const ids = ['spf/include-missing', 'spf/ptr-mechanism', 'spf/too-many-lookups'];
    expect(findingIds(result)).toEqual(ids);
    const composed = [replace('slim.test', 'v=spf1 include:_spf.nine.test -all', 'v=spf1 ptr include:gone.slim.test include:_spf.nine.test -all')];
    expect(recordsById(result)).toEqual(Object.fromEntries(ids.map((id) => [id, composed])));
    expect(result.facts).toMatchObject({ lookups: 11, proposedLookups: 9 });
    expect(result.findings.find((finding) => finding.id === 'spf/too-many-lookups')!.fix!.notes![0]).toContain('11 before, 9 after');
    const before = authorisedBefore(result);
    expect(before).toHaveLength(8);
    const { results, outcomes } = await evaluateWith('spf-composed', 'slim.test', composed, [...before, '192.0.2.1']);
    expect(Object.entries(results).filter(([, value]) => value !== 'pass').map(([ip]) => ip)).toEqual(['192.0.2.1']);
    expect(results['192.0.2.1']).toBe('fail');
    expect(Math.max(...outcomes.map((outcome) => outcome.lookups))).toBe(9);
  });

  it('several records: the merged record is the base, cleaned like any other, and the IP fix removes the other record too', async () => {
    const result = await check('spf-composed', 'multicombo.test', { ips: ['203.0.113.8'] });
    expect(findingIds(result)).toEqual(['spf/ip-not-authorized', 'spf/multiple-records']);
    const composed = [
      replace('multicombo.test', 'v=spf1 ip4:192.0.2.80 ip4:203.0.113.8 ~all', 'v=spf1 ptr include:gone.multicombo.test ~all'),
      { action: 'remove' as const, name: 'multicombo.test', type: 'TXT', value: 'v=spf1 ip4:192.0.2.80 -all', current: 'v=spf1 ip4:192.0.2.80 -all' },
    ];
    expect(recordsById(result)).toEqual({ 'spf/ip-not-authorized': composed, 'spf/multiple-records': composed });
    expect(result.facts).toMatchObject({ merged: { record: 'v=spf1 ptr include:gone.multicombo.test ip4:192.0.2.80 ~all', lookups: 2 }, proposedLookups: 0 });
    // The other changes of the merged record are named, though only the merge is a finding here.
    const notes = result.findings.find((finding) => finding.id === 'spf/multiple-records')!.fix!.notes!.join('\n');
    expect(notes).toContain('(spf/include-missing)');
    expect(notes).toContain('(spf/ptr-mechanism)');
    expect(notes).toContain('(spf/ip-not-authorized)');
    expect(rankFixes([result])).toHaveLength(1);
    const { results, spfRecords } = await evaluateWith('spf-composed', 'multicombo.test', composed, ['192.0.2.80', '203.0.113.8', '198.51.100.1']);
    expect(spfRecords).toEqual(['v=spf1 ip4:192.0.2.80 ip4:203.0.113.8 ~all']);
    expect(results).toEqual({ '192.0.2.80': 'pass', '203.0.113.8': 'pass', '198.51.100.1': 'softfail' });
  });

  it('a repairable syntax error is the base: the corrected record without ptr and the dead include', async () => {
    const result = await check('spf-composed', 'dashcombo.test');
    const ids = ['spf/include-missing', 'spf/ptr-mechanism', 'spf/syntax-error'];
    expect(findingIds(result)).toEqual(ids);
    const composed = [replace('dashcombo.test', 'v=spf1 ip4:192.0.2.1 -all', 'v=spf1 ptr ip4:192.0.2.1 include:gone.dashcombo.test \u2013all')];
    expect(recordsById(result)).toEqual(Object.fromEntries(ids.map((id) => [id, composed])));
    expectNotesNameTheOthers(result, ids);
    const { results } = await evaluateWith('spf-composed', 'dashcombo.test', composed, ['192.0.2.1', '192.0.2.2']);
    expect(results).toEqual({ '192.0.2.1': 'pass', '192.0.2.2': 'fail' });
  });

  it('an IP that passes today only through "+all" is added when the composed record ends in ~all', async () => {
    const result = await check('spf-permissive-all', 'open.test', { ips: ['203.0.113.5'] });
    // It passes today: no spf/ip-not-authorized, but the fix must not lock it out.
    expect(findingIds(result)).toEqual(['spf/permissive-all']);
    const composed = [replace('open.test', 'v=spf1 ip4:192.0.2.0/24 ip4:203.0.113.5 ~all', 'v=spf1 ip4:192.0.2.0/24 +all')];
    expect(fixOf(result, 'spf/permissive-all')).toEqual(composed);
    const { results } = await evaluateWith('spf-permissive-all', 'open.test', composed, ['203.0.113.5', '192.0.2.9', '198.51.100.9']);
    expect(results).toEqual({ '203.0.113.5': 'pass', '192.0.2.9': 'pass', '198.51.100.9': 'softfail' });
  });

  it('a fix for a record the domain does not publish (a redirect target) stays separate', async () => {
    const result = await check('spf-permissive-all', 'viaredirect.test', { ips: ['203.0.113.5'] });
    expect(findingIds(result)).toEqual(['spf/permissive-all']);
    expect(fixOf(result, 'spf/permissive-all')![0]!.name).toBe('_spf.viaredirect.test');
  });
});

describe('spf check: terms after "all"', () => {
  it('are neither walked nor counted (RFC 7208 §5.1), and get their own low finding', async () => {
    const result = await check('spf-terms-after-all', 'after.test');
    expect(findingIds(result)).toEqual(['spf/terms-after-all']);
    expect(result.findings[0]!.severity).toBe('low');
    expect(result.findings[0]!.evidence).toEqual([
      'after.test: term 3 a:gone1.after.test',
      'after.test: term 4 a:gone2.after.test',
      'after.test: term 5 mx:gone3.after.test',
      'after.test: term 6 ptr',
      'after.test: term 7 include:_spf.mailhost.test',
    ]);
    expect(result.facts).toMatchObject({ lookups: 0, voidLookups: 0 });
    expect(result.status).toBe('warn');
  });
});
