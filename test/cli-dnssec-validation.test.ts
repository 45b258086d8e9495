/**
 * The dnssec check validating the chain itself, through the library and the
 * CLI, against zones signed at run time under a private root given with
 * --trust-anchor (test/helpers/dnssec-lab.ts). The fixture server never sets
 * the AD flag: it answers as a non-validating resolver does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dnssecCheck } from '../src/checks/dnssec.js';
import { parseTrustAnchors } from '../src/dnssec/anchors.js';
import { buildDnssecLab } from './helpers/dnssec-lab.js';
import { findingIds, runCheck, useFixture } from './helpers/context.js';
import { runCli } from './helpers/cli.js';

const lab = buildDnssecLab();
const fixture = useFixture({ zone: {} }, { answer: lab.tree.answer });
const trustAnchors = parseTrustAnchors(lab.rootAnchor, 'root.keys');
const folder = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-anchors-'));
const anchorFile = path.join(folder, 'root.keys');
writeFileSync(anchorFile, `; the test's private root\n${lab.rootAnchor}\n`);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface Case {
  domain: string;
  ids: string[];
  status: string;
  state: string;
  validation: string;
  source: 'validation' | 'ad-flag';
  exit: number;
}

const cases: Case[] = [
  { domain: 'secure.test', ids: [], status: 'pass', state: 'signed', validation: 'secure', source: 'validation', exit: 0 },
  { domain: 'rsa.test', ids: [], status: 'pass', state: 'signed', validation: 'secure', source: 'validation', exit: 0 },
  { domain: 'ed.test', ids: [], status: 'pass', state: 'signed', validation: 'secure', source: 'validation', exit: 0 },
  { domain: 'bogus.test', ids: ['dnssec/bogus'], status: 'fail', state: 'bogus', validation: 'bogus', source: 'validation', exit: 1 },
  { domain: 'expired.test', ids: ['dnssec/bogus'], status: 'fail', state: 'bogus', validation: 'bogus', source: 'validation', exit: 1 },
  { domain: 'nsec.test', ids: ['dnssec/unsigned'], status: 'warn', state: 'unsigned', validation: 'insecure', source: 'validation', exit: 0 },
  { domain: 'noproof.test', ids: ['dnssec/bogus'], status: 'fail', state: 'bogus', validation: 'bogus', source: 'validation', exit: 1 },
  // Algorithm 5 is not validated: the state falls back to the AD flag, which this resolver never sets.
  { domain: 'unsupported.test', ids: [], status: 'error', state: 'unverified', validation: 'unsupported', source: 'ad-flag', exit: 3 },
  { domain: 'optout.example', ids: ['dnssec/unsigned'], status: 'warn', state: 'unsigned', validation: 'insecure', source: 'validation', exit: 0 },
];

describe('dnssec check, own validation (library)', () => {
  it.each(cases)('$domain → $ids ($status, $validation)', async ({ domain, ids, status, state, validation, source }) => {
    const result = await runCheck(dnssecCheck, fixture.ctx(domain, { trustAnchors }));
    expect(findingIds(result)).toEqual(ids);
    expect(result.status).toBe(status);
    const facts = result.facts as { domain: { state: string; source: string; validation: { state: string; anchor: string | null } }; now: number };
    expect(facts.domain).toMatchObject({ state, source, validation: { state: validation } });
    expect(typeof facts.now).toBe('number');
  });

  it('names the anchor in the facts and the summary', async () => {
    const result = await runCheck(dnssecCheck, fixture.ctx('secure.test', { trustAnchors }));
    expect((result.facts as { domain: { validation: { anchor: string } } }).domain.validation.anchor).toBe('root.keys:1');
    expect(result.summary).toContain('validated by mailcheck from the trust anchor root.keys:1');
  });

  it('the unsupported algorithm is named, with the AD flag it fell back to', async () => {
    const result = await runCheck(dnssecCheck, fixture.ctx('unsupported.test', { trustAnchors }));
    expect(result.summary?.at(-1)).toBe(`the DS records of unsupported.test use algorithm 5 or digest types mailcheck does not validate: state from the AD flag of ${fixture.server.server}`);
  });

  it.each(['timeout.test', 'servfail.test'])('%s: an unanswered DS question is an error, never insecure', async (domain) => {
    const result = await runCheck(dnssecCheck, fixture.ctx(domain, { trustAnchors }));
    expect(result.status).toBe('error');
    expect(findingIds(result)).toEqual([]);
  });
});

/** The dnssec check's result in a JSON report (skipped checks are listed too). */
const dnssecOf = (stdout: string) => (JSON.parse(stdout) as { checks: Array<{ id: string }> }).checks.find((check) => check.id === 'dnssec') as any;

describe('dnssec check, own validation (CLI)', () => {
  const audit = (domain: string, extra: string[] = []) =>
    runCli([domain, '--checks', 'dnssec', '--format', 'json', '--resolver', fixture.server.server, '--timeout', '3000', '--trust-anchor', anchorFile, ...extra]);

  it.each(cases)('$domain exits $exit', async ({ domain, ids, exit, validation }) => {
    const result = await audit(domain);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(exit);
    const check = dnssecOf(result.stdout);
    expect(check.findings.map((finding: { id: string }) => finding.id)).toEqual(ids);
    expect(check.facts.domain.validation.state).toBe(validation);
  });

  it('without the private root as an anchor, a chain that does not reach IANA\'s keys is bogus (exit 1)', async () => {
    const result = await runCli(['secure.test', '--checks', 'dnssec', '--format', 'json', '--resolver', fixture.server.server, '--timeout', '3000']);
    expect(result.code).toBe(1);
    expect(dnssecOf(result.stdout).findings[0].id).toBe('dnssec/bogus');
  });

  it('an island of trust anchored by its DNSKEY validates', async () => {
    const island = path.join(folder, 'island.keys');
    writeFileSync(island, `$ORIGIN lab.\n${lab.islandAnchor.replace('island.lab.', 'island')}\n`);
    const result = await runCli(['island.lab', '--checks', 'dnssec', '--format', 'json', '--resolver', fixture.server.server, '--timeout', '3000', '--trust-anchor', island]);
    expect(result.code).toBe(0);
    expect(dnssecOf(result.stdout).facts.domain.validation).toMatchObject({ state: 'secure', anchor: `${island}:2` });
  });

  it.each([
    ['an empty file', '', /no DS or DNSKEY record/],
    ['another record type', 'example. IN A 192.0.2.1', /line 1: type A/],
    ['a digest that is not hex', '. IN DS 20326 8 2 zz', /line 1: the DS digest must be hexadecimal/],
    ['an unclosed parenthesis', '. IN DNSKEY ( 257 3 8', /line 1: unclosed parenthesis/],
  ])('a trust-anchor file with %s: one line, exit 2', async (_name, text, message) => {
    const bad = path.join(folder, 'bad.keys');
    writeFileSync(bad, text);
    const result = await audit('secure.test', ['--trust-anchor', bad]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });

  it('a trust-anchor file that does not exist: one line, exit 2', async () => {
    const result = await audit('secure.test', ['--trust-anchor', path.join(folder, 'missing.keys')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
