/**
 * The tls-rpt judge on facts (RFC 8460 §3): one record, valid rua
 * destinations, and the exact record each fix proposes.
 */
import { describe, expect, it } from 'vitest';
import { judgeFacts } from '../../src/checks/define.js';
import { tlsRptCheck, type TlsRptFacts } from '../../src/checks/tls-rpt.js';
import { parseTlsRptRecord } from '../../src/tls-rpt/record.js';
import type { CheckStatus } from '../../src/schema/report.js';
import { statusFromFindings } from '../../src/run-check.js';
import { judgeCases } from '../helpers/judge.js';

/** Facts for `domain` with these TXT records at _smtp._tls (parsed as the gatherer parses them). */
function facts(domain: string, txt: string[], more: Partial<TlsRptFacts> = {}): TlsRptFacts {
  const records = txt
    .filter((text) => /^\s*v\s*=\s*tlsrptv1/i.test(text))
    .map((value) => ({ value, rua: parseTlsRptRecord(value).rua, errors: parseTlsRptRecord(value).errors }));
  return { domain, recordName: `_smtp._tls.${domain}`, nullMx: false, lookup: txt.length > 0 ? 'ok' : 'nxdomain', txt, records, ...more };
}

const name = (domain: string) => `_smtp._tls.${domain}`;

judgeCases(tlsRptCheck, [
  { name: 'a valid record: no finding', facts: facts('good.test', ['v=TLSRPTv1; rua=mailto:tls@good.test,https://reports.good.test/tlsrpt']), ids: [] },
  {
    name: 'no record: tls-rpt/missing, fixed with a placeholder mailbox',
    facts: facts('missing.test', []),
    ids: ['tls-rpt/missing'],
    fixes: { 'tls-rpt/missing': [{ action: 'add', name: name('missing.test'), type: 'TXT', value: 'v=TLSRPTv1; rua=mailto:<REPORT-MAILBOX>' }] },
    data: { 'tls-rpt/missing': { otherTxt: 0 } },
    then: ([finding]) => expect(Object.keys(finding!.fix!.placeholders!)).toEqual(['REPORT-MAILBOX']),
  },
  { name: 'only other TXT records: tls-rpt/missing', facts: facts('other.test', ['v=spf1 -all']), ids: ['tls-rpt/missing'], data: { 'tls-rpt/missing': { otherTxt: 1 } } },
  {
    name: 'no rua: invalid, fixed with a placeholder mailbox',
    facts: facts('norua.test', ['v=TLSRPTv1;']),
    ids: ['tls-rpt/invalid-record'],
    fixes: { 'tls-rpt/invalid-record': [{ action: 'replace', name: name('norua.test'), type: 'TXT', value: 'v=TLSRPTv1; rua=mailto:<REPORT-MAILBOX>', current: 'v=TLSRPTv1;' }] },
    then: ([finding]) => expect(finding!.fix!.placeholders).toBeDefined(),
  },
  {
    name: 'an http: destination: invalid, the valid destinations kept',
    facts: facts('badscheme.test', ['v=TLSRPTv1; rua=mailto:tls@badscheme.test,http://reports.badscheme.test/']),
    ids: ['tls-rpt/invalid-record'],
    fixes: {
      'tls-rpt/invalid-record': [
        {
          action: 'replace',
          name: name('badscheme.test'),
          type: 'TXT',
          value: 'v=TLSRPTv1; rua=mailto:tls@badscheme.test',
          current: 'v=TLSRPTv1; rua=mailto:tls@badscheme.test,http://reports.badscheme.test/',
        },
      ],
    },
    then: ([finding]) => expect(finding!.fix!.placeholders).toBeUndefined(),
  },
  { name: 'a bare address without mailto: is invalid', facts: facts('badmailto.test', ['v=TLSRPTv1; rua=tls@badmailto.test']), ids: ['tls-rpt/invalid-record'] },
  { name: 'a miscased version is invalid, not missing', facts: facts('case.test', ['v=tlsrptv1; rua=mailto:tls@case.test']), ids: ['tls-rpt/invalid-record'] },
  {
    name: 'two valid records: merged into one',
    facts: facts('two.test', ['v=TLSRPTv1; rua=mailto:a@two.test', 'v=TLSRPTv1; rua=https://reports.two.test/r']),
    ids: ['tls-rpt/multiple-records'],
    data: { 'tls-rpt/multiple-records': { count: 2 } },
    fixes: {
      'tls-rpt/multiple-records': [
        { action: 'remove', name: name('two.test'), type: 'TXT', value: 'v=TLSRPTv1; rua=mailto:a@two.test', current: 'v=TLSRPTv1; rua=mailto:a@two.test' },
        { action: 'remove', name: name('two.test'), type: 'TXT', value: 'v=TLSRPTv1; rua=https://reports.two.test/r', current: 'v=TLSRPTv1; rua=https://reports.two.test/r' },
        { action: 'add', name: name('two.test'), type: 'TXT', value: 'v=TLSRPTv1; rua=mailto:a@two.test,https://reports.two.test/r' },
      ],
    },
  },
  {
    name: 'two invalid records: both named, each with its own errors',
    facts: facts('twobad.test', ['v=TLSRPTv1; rua=ftp://reports.twobad.test/', 'v=TLSRPTv1;']),
    ids: ['tls-rpt/multiple-records', 'tls-rpt/invalid-record'],
    then: (findings) => {
      const invalid = findings.find((finding) => finding.id === 'tls-rpt/invalid-record')!;
      expect(invalid.data).toEqual({
        recordName: name('twobad.test'),
        records: ['v=TLSRPTv1; rua=ftp://reports.twobad.test/', 'v=TLSRPTv1;'],
        problems: [expect.any(String), expect.any(String)],
      });
      for (const record of ['v=TLSRPTv1; rua=ftp://reports.twobad.test/', 'v=TLSRPTv1;']) expect(invalid.message).toContain(record);
    },
  },
  { name: 'a TXT timeout: inconclusive, never missing', facts: facts('fail.test', [], { lookup: 'timeout' }), ids: [], inconclusive: 'timeout' },
  { name: 'a null MX: skipped', facts: facts('null.test', [], { nullMx: true }), ids: [], skipped: true },
]);

describe('tls-rpt status', () => {
  const table: Array<[string, TlsRptFacts, CheckStatus]> = [
    ['valid', facts('good.test', ['v=TLSRPTv1; rua=mailto:tls@good.test']), 'pass'],
    ['missing', facts('missing.test', []), 'warn'],
    ['invalid', facts('norua.test', ['v=TLSRPTv1;']), 'warn'],
    ['two', facts('two.test', ['v=TLSRPTv1; rua=mailto:a@two.test', 'v=TLSRPTv1; rua=mailto:b@two.test']), 'warn'],
  ];
  it.each(table)('%s → %s', (_name, input, status) => {
    expect(statusFromFindings(judgeFacts(tlsRptCheck, input).findings)).toBe(status);
  });
});

describe('tls-rpt summary', () => {
  it('names the destinations, or the record without one, or how many records there are', () => {
    expect(tlsRptCheck.summarise(facts('good.test', ['v=TLSRPTv1; rua=mailto:tls@good.test,https://reports.good.test/tlsrpt']))).toEqual([
      'rua: mailto:tls@good.test, https://reports.good.test/tlsrpt',
    ]);
    expect(tlsRptCheck.summarise(facts('norua.test', ['v=TLSRPTv1;']))).toEqual(['record (no valid rua): v=TLSRPTv1;']);
    expect(tlsRptCheck.summarise(facts('two.test', ['v=TLSRPTv1; rua=mailto:a@two.test', 'v=TLSRPTv1; rua=mailto:b@two.test']))).toEqual([
      '2 records at _smtp._tls.two.test',
    ]);
    expect(tlsRptCheck.summarise(facts('fail.test', [], { lookup: 'timeout' }))).toEqual([]);
  });
});
