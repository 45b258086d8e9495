/**
 * The judging end to end over the fixture DNS server (fixtures/profiles.json):
 * a bare domain is an F that the providers would reject, a compliant one at
 * least an A, a parked one an A judged by the parked profile, a typo is
 * domain/not-found alone, a custom DKIM selector is dkim/selector-unknown;
 * the CLI's --profile and --parked exit codes; "—" in every format when
 * nothing could be verified.
 */
import { describe, expect, it } from 'vitest';
import { audit, reportSchema } from '../src/index.js';
import { useFixture } from './helpers/context.js';
import { runCli } from './helpers/cli.js';
import { formatCsv } from '../src/report/csv.js';
import { formatHtml } from '../src/report/html.js';
import { formatJunit } from '../src/report/junit.js';
import { formatMarkdown } from '../src/report/markdown.js';
import { formatSarif } from '../src/report/sarif.js';
import { renderText } from '../src/report/text.js';
import { check, report } from './helpers/reports.js';
import { CHECK_IDS } from '../src/checks/index.js';
import type { Report } from '../src/schema/report.js';
import { checkCatalogue } from '../src/check-catalogue.js';

const catalogue = checkCatalogue();

const fixture = useFixture('profiles', { timeoutMs: 2000, retries: 1 });
const run = async (domain: string, options: Parameters<typeof audit>[1] = {}) =>
  (await audit(domain, { smtp: false, ...options }, { dns: fixture.freshDns({ timeoutMs: 2000, retries: 1 }) }))[0]!;
const ids = (report: Report) => report.checks.flatMap((c) => c.findings.map((f) => f.id));

describe('judged like the receivers do', () => {
  it('a bare domain (no SPF, DKIM, DMARC) is an F that gmail, yahoo, outlook-bulk and apple-bulk would reject', async () => {
    const report = await run('bare.profiles.test', { profiles: ['gmail', 'gmail-bulk', 'yahoo', 'yahoo-bulk', 'outlook-bulk', 'apple-bulk'] });
    expect(reportSchema.parse(report)).toEqual(report);
    expect(report.score.grade).toBe('F');
    expect(report.profiles.map((p) => [p.id, p.verdict])).toEqual([
      ['gmail', 'fail'],
      ['gmail-bulk', 'fail'],
      ['yahoo', 'fail'],
      ['yahoo-bulk', 'fail'],
      ['outlook-bulk', 'fail'],
      ['apple-bulk', 'fail'],
    ]);
    // One line a provider (wrapped to the width): joined back to compare.
    const text = renderText([report], { color: false, verbose: false, failOn: 'high' }).replace(/\n +/g, ' ');
    for (const title of ['Gmail (all senders)', 'Yahoo (all senders)', 'Outlook.com, Hotmail, Live (5,000+ a day)', 'iCloud Mail (bulk senders)']) {
      expect(text).toContain(`${title}: would reject — neither SPF nor DKIM is set up`);
    }
    // DKIM is in the fix list, with a provider step, and no required fix reads as a bare +0.
    expect(report.fixes.slice(0, 3).map((f) => f.findingId).sort()).toEqual(['dkim/not-found', 'dmarc/missing', 'spf/missing']);
    expect(report.fixes.slice(0, 3).every((f) => f.points > 0 || f.requiredBy.length > 0)).toBe(true);
    expect(text).toMatch(/ 1–\d together: \d+ → \d+ A\+? /);
  });

  it('a domain meeting the bulk profiles with nothing else wrong is at least an A', async () => {
    const report = await run('good.profiles.test');
    expect(report.score.value).toBeGreaterThanOrEqual(90);
    expect(report.profiles.map((p) => p.verdict)).toEqual(['incomplete', 'incomplete', 'incomplete', 'incomplete']);
    for (const profile of report.profiles) {
      expect(profile.requirements.filter((r) => r.status === 'fail')).toEqual([]);
    }
  });

  it('a correctly parked domain scores A or better, without a high finding for the null MX or the DKIM keys', async () => {
    const report = await run('parked.profiles.test');
    expect(report.parked).toBe(true);
    expect(report.score.value).toBeGreaterThanOrEqual(90);
    const findings = report.checks.flatMap((c) => c.findings);
    expect(findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
    expect(report.profiles.map((p) => [p.id, p.verdict])).toEqual([['parked', 'pass']]);
    expect(report.fixes.map((f) => f.findingId)).not.toContain('mx/null-mx');
  });

  it('a name that does not exist is one critical domain/not-found; every other check is skipped', async () => {
    const report = await run('exmaple.profiles.test');
    expect(ids(report)).toEqual(['domain/not-found']);
    expect(report.checks[0]).toMatchObject({ id: 'domain', status: 'fail' });
    expect(report.checks.slice(1).map((c) => c.status)).toEqual(CHECK_IDS.map(() => 'skipped'));
    expect(report.checks[1]!.skipReason).toBe('the domain does not exist (NXDOMAIN)');
    expect(report.score).toMatchObject({ value: 0, grade: 'F' });
    expect(report.fixes).toEqual([]);
    expect(report.profiles).toEqual([]);
  });

  it('a key under a selector not in the built-in list is dkim/selector-unknown, never dkim/not-found', async () => {
    const report = await run('custom.profiles.test');
    expect(ids(report)).toContain('dkim/selector-unknown');
    expect(ids(report)).not.toContain('dkim/not-found');
    const spfAndDkim = report.profiles[0]!.requirements.find((r) => r.id === 'spf-and-dkim')!;
    expect(spfAndDkim).toMatchObject({ status: 'needs-input', needs: '--dkim-selector <selector>' });
    const found = await run('custom.profiles.test', { dkimSelectors: ['s2026a'] });
    expect(ids(found)).not.toContain('dkim/selector-unknown');
  });

  it('--parked adds a finding for each missing piece', async () => {
    const report = await run('halfparked.profiles.test', { parked: true });
    expect(report.parked).toBe(false);
    const parked = report.checks.find((c) => c.id === 'parked')!;
    expect(parked.findings.map((f) => f.id)).toEqual(['parked/dmarc-not-reject']);
    expect(parked.findings[0]!.fix!.records).toEqual([
      { action: 'add', name: '_dmarc.halfparked.profiles.test', type: 'TXT', value: 'v=DMARC1; p=reject; sp=reject' },
    ]);
    expect(report.profiles.map((p) => [p.id, p.verdict, p.selected])).toEqual([['parked', 'fail', true]]);
  });
});

describe('the CLI', () => {
  const dns = () => ['--resolver', fixture.server.server, '--timeout', '2000', '--retries', '1', '--no-smtp'];

  it('--profile: a failing profile exits 1, needs-input alone does not', async () => {
    // --fail-on none: only the profile verdict can fail the run.
    const bare = await runCli(['spfonly.profiles.test', '--profile', 'gmail', '--fail-on', 'none', ...dns()]);
    expect(bare.stdout).toMatch(/Gmail \(all senders\): no rejection seen in DNS/);
    expect(bare.code).toBe(0);
    const bulk = await runCli(['spfonly.profiles.test', '--profile', 'gmail-bulk', '--fail-on', 'none', ...dns()]);
    expect(bulk.stdout).toMatch(/Gmail \(bulk senders, 5,000\+ a day\): would reject — DKIM is not set up/);
    expect(bulk.code).toBe(1);
  });

  it('--profile all judges every profile; an unknown id is a usage error', async () => {
    const result = await runCli(['good.profiles.test', '--profile', 'all', '--format', 'json', ...dns()]);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.profiles.map((p) => p.id)).toEqual(['gmail', 'gmail-bulk', 'yahoo', 'yahoo-bulk', 'outlook-bulk', 'apple-bulk', 'parked']);
    const bad = await runCli(['good.profiles.test', '--profile', 'hotmail', ...dns()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('mailcheck: --profile: unknown profile "hotmail". Valid profiles: gmail, gmail-bulk, yahoo, yahoo-bulk, outlook-bulk, apple-bulk, parked, all.');
  });

  it('--parked passes for a parked domain and fails (exit 1) for one that is not', async () => {
    expect((await runCli(['parked.profiles.test', '--parked', ...dns()])).code).toBe(0);
    const half = await runCli(['halfparked.profiles.test', '--parked', ...dns()]);
    expect(half.code).toBe(1);
    expect(half.stdout).toContain('parked/dmarc-not-reject');
  });

  it('a typo exits 1 with domain/not-found and nothing else', async () => {
    const result = await runCli(['exmaple.profiles.test', ...dns()]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('domain/not-found');
    expect(result.stdout).not.toMatch(/dmarc\/missing|dnssec/);
  });
});

describe('"—" wherever nothing could be verified, in every format', () => {
  const unverified = () =>
    report(
      'down.example',
      CHECK_IDS.map((id) => check(id, [], { status: 'error', error: 'DNS timeout' })),
    );

  it('has verified: false for both scores', () => {
    const value = unverified();
    expect(value.score.verified).toBe(false);
    expect(value.receiving.verified).toBe(false);
  });

  it.each([
    ['text', (r: Report) => renderText([r], { color: false, verbose: false, failOn: 'high' })],
    ['markdown', (r: Report) => formatMarkdown([r])],
    ['html', (r: Report) => formatHtml([r])],
    ['junit', (r: Report) => formatJunit([r], { minScore: 80 })],
    ['sarif', (r: Report) => formatSarif([r], { catalogue })],
    ['csv', (r: Report) => formatCsv([r], { catalogue })],
  ])('%s shows "—" and no 0 / F', (_name, render) => {
    const output = render(unverified());
    expect(output).toContain('—');
    expect(output).not.toMatch(/\b0\/100\b|>0<|"score","0"|value="0"|,0,F,/);
  });
});
