/**
 * The tls-rpt check against the fixture DNS server (fixtures/tls-rpt-lab.json).
 */
import { describe, expect, it } from 'vitest';
import { tlsRptCheck } from '../src/checks/tls-rpt.js';
import type { CheckResult } from '../src/schema/report.js';
import { findingIds, runCheck, useFixture } from './helpers/context.js';

const fixture = useFixture('tls-rpt-lab');

const audit = (domain: string) => runCheck(tlsRptCheck, fixture.ctx(domain));

describe('tls-rpt check', () => {
  const table: Array<[string, string[], CheckResult['status']]> = [
    ['rpt-good.test', [], 'pass'],
    ['rpt-split.test', [], 'pass'],
    ['rpt-missing.test', ['tls-rpt/missing'], 'warn'],
    ['rpt-other.test', ['tls-rpt/missing'], 'warn'],
    ['rpt-norua.test', ['tls-rpt/invalid-record'], 'warn'],
    ['rpt-badscheme.test', ['tls-rpt/invalid-record'], 'warn'],
    ['rpt-badmailto.test', ['tls-rpt/invalid-record'], 'warn'],
    ['rpt-case.test', ['tls-rpt/invalid-record'], 'warn'],
    ['rpt-two.test', ['tls-rpt/multiple-records'], 'warn'],
    ['rpt-twobad.test', ['tls-rpt/invalid-record', 'tls-rpt/multiple-records'], 'warn'],
    ['rpt-fail.test', [], 'error'],
    ['rpt-null.test', [], 'skipped'],
  ];
  it.each(table)('%s → %j (%s)', async (domain, ids, status) => {
    const result = await audit(domain);
    expect(findingIds(result)).toEqual(ids);
    expect(result.status).toBe(status);
  });

  it('reads the destinations as facts', async () => {
    const result = await audit('rpt-good.test');
    expect(result.facts.records).toEqual([
      {
        value: 'v=TLSRPTv1; rua=mailto:tls@rpt-good.test,https://reports.rpt-good.test/tlsrpt',
        rua: ['mailto:tls@rpt-good.test', 'https://reports.rpt-good.test/tlsrpt'],
        errors: [],
      },
    ]);
  });

  it('fixes a missing record with a placeholder mailbox', async () => {
    const fix = (await audit('rpt-missing.test')).findings[0]!.fix!;
    expect(fix.records).toEqual([{ action: 'add', name: '_smtp._tls.rpt-missing.test', type: 'TXT', value: 'v=TLSRPTv1; rua=mailto:<REPORT-MAILBOX>' }]);
    expect(Object.keys(fix.placeholders!)).toEqual(['REPORT-MAILBOX']);
  });

  it('keeps the valid destinations when fixing an invalid record', async () => {
    const fix = (await audit('rpt-badscheme.test')).findings[0]!.fix!;
    expect(fix.records).toEqual([
      {
        action: 'replace',
        name: '_smtp._tls.rpt-badscheme.test',
        type: 'TXT',
        value: 'v=TLSRPTv1; rua=mailto:tls@rpt-badscheme.test',
        current: 'v=TLSRPTv1; rua=mailto:tls@rpt-badscheme.test,http://reports.rpt-badscheme.test/',
      },
    ]);
    expect(fix.placeholders).toBeUndefined();
    const noRua = (await audit('rpt-norua.test')).findings[0]!.fix!;
    expect(noRua.records![0]!.value).toBe('v=TLSRPTv1; rua=mailto:<REPORT-MAILBOX>');
    expect(noRua.placeholders).toBeDefined();
  });

  it('names every invalid record, with its own errors, when several are invalid', async () => {
    const result = await audit('rpt-twobad.test');
    const invalid = result.findings.find((finding) => finding.id === 'tls-rpt/invalid-record')!;
    const records = result.facts.records as Array<{ value: string; errors: string[] }>;
    expect(records).toHaveLength(2);
    for (const record of records) {
      expect(record.errors.length).toBeGreaterThan(0);
      expect(invalid.message).toContain(record.value);
    }
  });

  it('merges several records into one', async () => {
    const fix = (await audit('rpt-two.test')).findings[0]!.fix!;
    expect(fix.records).toEqual([
      { action: 'remove', name: '_smtp._tls.rpt-two.test', type: 'TXT', value: 'v=TLSRPTv1; rua=mailto:a@rpt-two.test', current: 'v=TLSRPTv1; rua=mailto:a@rpt-two.test' },
      { action: 'remove', name: '_smtp._tls.rpt-two.test', type: 'TXT', value: 'v=TLSRPTv1; rua=https://reports.rpt-two.test/r', current: 'v=TLSRPTv1; rua=https://reports.rpt-two.test/r' },
      { action: 'add', name: '_smtp._tls.rpt-two.test', type: 'TXT', value: 'v=TLSRPTv1; rua=mailto:a@rpt-two.test,https://reports.rpt-two.test/r' },
    ]);
  });
});
