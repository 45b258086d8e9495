/**
 * The tls-rpt check's gathering against the fixture DNS server
 * (fixtures/tls-rpt-lab.json); its judging is tested on facts in
 * test/judges/tls-rpt.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { tlsRptCheck } from '../src/checks/tls-rpt.js';
import { findingIds, runCheck, useFixture } from './helpers/context.js';

const fixture = useFixture('tls-rpt-lab');

const audit = (domain: string) => runCheck(tlsRptCheck, fixture.ctx(domain));

describe('tls-rpt gather', () => {
  it('reads the record and its destinations as facts', async () => {
    const facts = await tlsRptCheck.gather(fixture.ctx('rpt-good.test'));
    expect(facts).toEqual({
      domain: 'rpt-good.test',
      recordName: '_smtp._tls.rpt-good.test',
      nullMx: false,
      lookup: 'ok',
      txt: ['v=TLSRPTv1; rua=mailto:tls@rpt-good.test,https://reports.rpt-good.test/tlsrpt'],
      records: [
        {
          value: 'v=TLSRPTv1; rua=mailto:tls@rpt-good.test,https://reports.rpt-good.test/tlsrpt',
          rua: ['mailto:tls@rpt-good.test', 'https://reports.rpt-good.test/tlsrpt'],
          errors: [],
        },
      ],
    });
    expect(tlsRptCheck.facts.safeParse(facts).success).toBe(true);
  });

  it('joins a record split into several character-strings', async () => {
    const facts = await tlsRptCheck.gather(fixture.ctx('rpt-split.test'));
    expect(facts.records).toEqual([{ value: 'v=TLSRPTv1; rua=mailto:tls@rpt-split.test;', rua: ['mailto:tls@rpt-split.test'], errors: [] }]);
  });

  it('keeps other TXT records apart from TLS-RPT ones, and miscased versions as TLS-RPT', async () => {
    const other = await tlsRptCheck.gather(fixture.ctx('rpt-other.test'));
    expect(other.txt).toEqual(['v=spf1 -all']);
    expect(other.records).toEqual([]);
    const missing = await tlsRptCheck.gather(fixture.ctx('rpt-missing.test'));
    expect(missing.lookup).toBe('nxdomain');
    const miscased = await tlsRptCheck.gather(fixture.ctx('rpt-case.test'));
    expect(miscased.records).toHaveLength(1);
    expect(miscased.records[0]!.errors.length).toBeGreaterThan(0);
  });

  it('records every TLS-RPT record with its own errors', async () => {
    const facts = await tlsRptCheck.gather(fixture.ctx('rpt-twobad.test'));
    expect(facts.records).toHaveLength(2);
    for (const record of facts.records) expect(record.errors.length).toBeGreaterThan(0);
  });

  it('runs end to end: findings, error on a timeout, skipped on a null MX', async () => {
    const two = await audit('rpt-twobad.test');
    expect(findingIds(two)).toEqual(['tls-rpt/invalid-record', 'tls-rpt/multiple-records']);
    expect(two.status).toBe('warn');
    const failed = await audit('rpt-fail.test');
    expect(failed.status).toBe('error');
    expect(failed.facts).toMatchObject({ lookup: 'timeout' });
    expect(failed.findings).toEqual([]);
    const nullMx = await audit('rpt-null.test');
    expect(nullMx.status).toBe('skipped');
    expect(nullMx.facts).toMatchObject({ nullMx: true });
  });
});
