/**
 * The report parsers and the pure judging of `mailcheck reports`, on data the
 * tests write: RFC 7489 and RFC 9990 XML, JSON, ARF fields, mbox splitting,
 * verdicts and readiness.
 */
import { describe, expect, it } from 'vitest';
import { parseAggregateXml } from '../src/reports/aggregate-xml.js';
import { feedbackFields, parseFeedbackReport } from '../src/reports/email.js';
import { splitMbox } from '../src/reports/inputs.js';
import { parseJsonReport } from '../src/reports/json-reports.js';
import { ReportInputError } from '../src/reports/model.js';
import { assessReadiness, nextDmarcRecord } from '../src/reports/readiness.js';
import type { SourceResult } from '../src/reports/schema.js';
import { verdictOf } from '../src/reports/sources.js';
import { emptySourceTotals, isForwarded, type SourceTotals } from '../src/reports/totals.js';
import { aggregateJson, DAY1, rfc7489Xml, rfc9990Xml, type SampleRow } from './helpers/report-samples.js';

const ROW: SampleRow = { ip: '192.0.2.1', count: 3, dkim: 'pass', spf: 'fail', reason: { type: 'forwarded' }, envelopeFrom: 'Bounce.Example.test', dkimAuth: [{ domain: 'example.test', selector: 'sel', result: 'pass' }] };

describe('aggregate report parsers', () => {
  it('reads an RFC 7489 report', () => {
    const report = parseAggregateXml(rfc7489Xml({ rows: [ROW], reportId: 'x', pct: 40, p: 'quarantine' }));
    expect(report).toEqual({
      kind: 'aggregate',
      format: 'rfc7489',
      orgName: 'receiver.test',
      reportId: 'x',
      begin: DAY1,
      end: DAY1 + 86399,
      policy: { domain: 'example.test', p: 'quarantine', adkim: 'r', aspf: 'r', pct: 40 },
      records: [
        {
          sourceIp: '192.0.2.1',
          count: 3,
          disposition: 'none',
          dkim: 'pass',
          spf: 'fail',
          reasons: [{ type: 'forwarded' }],
          headerFrom: 'example.test',
          envelopeFrom: 'bounce.example.test',
          dkimResults: [{ domain: 'example.test', selector: 'sel', result: 'pass' }],
          spfResults: [{ domain: 'example.test', scope: 'mfrom', result: 'fail' }],
        },
      ],
    });
  });

  it('reads an RFC 9990 report (namespace, np, testing) and the JSON form alike', () => {
    const v2 = parseAggregateXml(rfc9990Xml({ rows: [ROW] }));
    expect(v2.format).toBe('rfc9990');
    expect(v2.policy).toEqual({ domain: 'example.test', p: 'none', sp: 'none', np: 'reject', adkim: 'r', aspf: 'r', testing: 'n' });
    const fromJson = parseJsonReport(JSON.parse(aggregateJson({ rows: [ROW] })));
    expect(fromJson.kind).toBe('aggregate');
    if (fromJson.kind === 'aggregate') expect(fromJson.records[0]).toMatchObject({ sourceIp: '192.0.2.1', count: 3, dkim: 'pass', reasons: [{ type: 'forwarded' }] });
  });

  it('refuses a DOCTYPE, a count that is not a number, a missing domain', () => {
    expect(() => parseAggregateXml('<!DOCTYPE feedback SYSTEM "http://127.0.0.1/x.dtd"><feedback/>')).toThrow(/DOCTYPE/);
    expect(() => parseAggregateXml(rfc7489Xml({ rows: [{ ...ROW, count: -1 }] }))).toThrow(ReportInputError);
    expect(() => parseAggregateXml('<feedback><report_metadata/></feedback>')).toThrow(/no <domain>/);
  });
});

describe('e-mail containers', () => {
  it('splits an mbox at "From " lines and undoes mboxrd escaping', () => {
    const parts = splitMbox(Buffer.from('From a@b Mon Nov  2 00:00:00 2026\nSubject: one\n\n>From here\nFrom c@d Mon Nov  2 00:00:00 2026\nSubject: two\n'));
    expect(parts.map((part) => part.toString())).toEqual(['Subject: one\n\nFrom here', 'Subject: two\n']);
  });

  it('reads the RFC 6591 fields of a failure report, folded lines included', () => {
    expect(feedbackFields('Feedback-Type: auth-failure\r\nReported-Domain: Example.test\r\nAuth-Failure:\r\n  dmarc\r\n').get('auth-failure')).toBe('dmarc');
    expect(parseFeedbackReport('Feedback-Type: auth-failure\nAuth-Failure: dmarc\nSource-IP: 192.0.2.5\nReported-Domain: example.test\nDKIM-Domain: example.test\nDKIM-Selector: s9')).toEqual({
      kind: 'failure',
      reportedDomain: 'example.test',
      sourceIp: '192.0.2.5',
      authFailure: 'dmarc',
      dkimDomain: 'example.test',
      dkimSelector: 's9',
    });
    expect(parseFeedbackReport('Feedback-Type: abuse\nReported-Domain: example.test')).toBeNull();
  });
});

const totals = (over: Partial<SourceTotals>): SourceTotals => ({ ...emptySourceTotals('192.0.2.1'), messages: 10, ...over });

describe('verdicts', () => {
  it.each([
    ['forwarder', totals({ forwarded: 2 }), null],
    ['authorised', totals({ dmarcPass: 1, dkimAligned: 1 }), null],
    ['service', totals({ spfAuthenticated: 10 }), 'sendgrid'],
    ['unknown', totals({ spfAuthenticated: 10 }), null],
    ['spoofing', totals({}), 'sendgrid'],
  ] as const)('%s', (verdict, source, service) => {
    expect(verdictOf(source, service)).toBe(verdict);
  });

  it('takes ARC, mailing lists and trusted forwarders as forwarding (RFC 7489 §7.2.1.1 reasons)', () => {
    expect(isForwarded([{ type: 'local_policy', comment: 'arc=pass' }])).toBe(true);
    expect(isForwarded([{ type: 'mailing_list' }])).toBe(true);
    expect(isForwarded([{ type: 'local_policy', comment: 'arc=fail' }])).toBe(false);
  });
});

const source = (over: Partial<SourceResult>): SourceResult => ({
  ip: '192.0.2.1',
  ptr: null,
  ptrStatus: 'not-looked-up',
  service: null,
  group: '192.0.2.1',
  messages: 10,
  spf: { aligned: 10, authenticated: 10, domains: ['example.test'], failedDomains: [] },
  dkim: { aligned: 0, authenticated: 0, domains: [] },
  dmarc: { pass: 10, fail: 0 },
  forwarded: 0,
  failureReports: 0,
  verdict: 'authorised',
  legitimate: true,
  ...over,
});

describe('readiness', () => {
  const published = { domain: 'example.test', p: 'none', adkim: 'r', aspf: 'r' };
  const noDns = async () => undefined;

  it('is ready when every legitimate source passes; spoofing and forwarders do not count', async () => {
    const readiness = await assessReadiness({
      domain: 'example.test',
      sources: [source({}), source({ ip: '203.0.113.1', verdict: 'spoofing', legitimate: false, dmarc: { pass: 0, fail: 50 } }), source({ ip: '192.0.2.9', verdict: 'forwarder', dmarc: { pass: 0, fail: 3 } })],
      dmarc: undefined,
      published,
      spfRecord: noDns,
    });
    expect(readiness.ready).toBe(true);
    expect(readiness.blocking).toEqual([]);
    expect(readiness.nextRecord).toEqual({ name: '_dmarc.example.test', value: 'v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:<REPORT-MAILBOX>' });
  });

  it('is not ready while a legitimate source fails, and names it', async () => {
    const readiness = await assessReadiness({
      domain: 'example.test',
      sources: [source({}), source({ ip: '198.51.100.7', service: 'mailgun', group: 'mailgun', verdict: 'service', spf: { aligned: 0, authenticated: 4, domains: ['mailgun.org'], failedDomains: [] }, dmarc: { pass: 0, fail: 4 }, messages: 4 })],
      dmarc: undefined,
      published,
      spfRecord: noDns,
    });
    expect(readiness.ready).toBe(false);
    expect(readiness.blocking).toMatchObject([{ group: 'mailgun', ips: ['198.51.100.7'], failing: 4 }]);
    expect(readiness.blocking[0]!.fixes.map((fix) => fix.summary)).toEqual([
      'Turn on DKIM signing with example.test at Mailgun',
      'Set a custom return-path (MAIL FROM) under example.test at Mailgun',
    ]);
  });

  it('proposes nothing once p=reject is in force, and drops pct and t=y on the way', () => {
    expect(nextDmarcRecord('example.test', undefined, { domain: 'example.test', p: 'reject' })).toMatchObject({ current: 'reject', target: null });
    expect(nextDmarcRecord('example.test', undefined, { domain: 'example.test', p: 'quarantine', pct: 20, testing: 'y' }).record?.value).toBe(
      'v=DMARC1; p=reject; rua=mailto:<REPORT-MAILBOX>',
    );
  });
});

describe('README: the services table of mailcheck reports', () => {
  it('lists every provider with its sender domains and SPF includes from src/providers.ts', async () => {
    const { readFileSync } = await import('node:fs');
    const { PROVIDERS } = await import('../src/providers.js');
    const lines = readFileSync(new URL('../README.md', import.meta.url), 'utf8').split('\n');
    const start = lines.findIndex((line) => line.startsWith('| service | sender domains | SPF includes |'));
    expect(start).toBeGreaterThan(0);
    const rows = lines.slice(start + 2).filter((line, index, all) => all.slice(0, index + 1).every((l) => l.startsWith('|')));
    const codes = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]);
    expect(rows.map((row) => row.split('|')[1]!.trim())).toEqual(PROVIDERS.map((provider) => provider.name));
    for (const [index, provider] of PROVIDERS.entries()) {
      const cells = rows[index]!.split('|');
      expect(codes(cells[2]!), provider.name).toEqual(provider.senderDomains ?? []);
      expect(codes(cells[3]!), provider.name).toEqual(provider.spfIncludes);
    }
  });
});

describe('nested archives', () => {
  it('gives up a file once more than the budget was inflated from it, at any depth, with one error', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { readInputs } = await import('../src/reports/inputs.js');
    const { makeZip } = await import('./helpers/zip.js');
    const { gzip } = await import('./helpers/report-samples.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-nested-'));
    try {
      // Each entry is a small gzip file that inflates to 900 KiB: three of them pass 2 MiB.
      const inner = gzip(Buffer.alloc(900 * 1024, 0x20));
      const file = path.join(dir, 'nested.zip');
      writeFileSync(file, makeZip([1, 2, 3, 4].map((n) => ({ name: `${n}.xml.gz`, content: inner }))));
      const errors: Array<{ file: string; message: string }> = [];
      await readInputs([file], { report: () => undefined, aggregate: () => undefined, error: (name, message) => errors.push({ file: name, message }) }, { maxDocumentBytes: 1024 * 1024, maxArchiveEntries: 100, maxArchiveBytes: 2 * 1024 * 1024 });
      expect(errors.at(-1)).toEqual({ file, message: 'refused: more than 2 MiB inflated from one file (nested archives?)' });
      expect(errors.filter((error) => error.message.startsWith('refused'))).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
