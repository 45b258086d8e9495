/** The TLS-RPT record parser (RFC 8460 §3), table-driven: record text in, destinations and errors out. */
import { describe, expect, it } from 'vitest';
import { looksLikeTlsRptRecord, parseTlsRptRecord, tlsRptValue, type TlsRptRecord } from '../src/tls-rpt/record.js';

const CASES: Array<{ text: string; record: TlsRptRecord }> = [
  { text: 'v=TLSRPTv1; rua=mailto:tls@example.com', record: { rua: ['mailto:tls@example.com'], extensions: {}, errors: [] } },
  {
    text: 'v=TLSRPTv1;rua=mailto:a@example.com, https://r.example.com/tls;',
    record: { rua: ['mailto:a@example.com', 'https://r.example.com/tls'], extensions: {}, errors: [] },
  },
  { text: 'v=TLSRPTv1; rua=mailto:a@example.com; x-ext=on', record: { rua: ['mailto:a@example.com'], extensions: { 'x-ext': 'on' }, errors: [] } },
  { text: '', record: { rua: [], extensions: {}, errors: ['the record must start with "v=TLSRPTv1;" (found "")', 'the rua field is missing'] } },
  {
    text: 'v=tlsrptv1; rua=mailto:a@example.com',
    record: { rua: ['mailto:a@example.com'], extensions: {}, errors: ['the record must start with "v=TLSRPTv1;" (found "v=tlsrptv1")'] },
  },
  { text: 'v=TLSRPTv1', record: { rua: [], extensions: {}, errors: ['the rua field is missing'] } },
  {
    text: 'v=TLSRPTv1;; rua=mailto:a@example.com',
    record: { rua: ['mailto:a@example.com'], extensions: {}, errors: ['empty field (";;")'] },
  },
  {
    text: 'v=TLSRPTv1; rua',
    record: { rua: [], extensions: {}, errors: ['field "rua" is not name=value', 'the rua field is missing'] },
  },
  {
    text: 'v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com',
    record: { rua: ['mailto:a@example.com'], extensions: {}, errors: ['the rua field appears more than once (list several URIs separated by commas)'] },
  },
  {
    text: 'v=TLSRPTv1; rua=mailto:a@example.com,,ftp://x.example, mailto:nobody',
    record: {
      rua: ['mailto:a@example.com'],
      extensions: {},
      errors: ['empty URI in rua', '"ftp://x.example" is neither mailto: nor https:', '"mailto:nobody" is not a valid mailto: address'],
    },
  },
  {
    text: 'v=TLSRPTv1; v=TLSRPTv1; rua=mailto:a@example.com; bad name=1',
    record: { rua: ['mailto:a@example.com'], extensions: {}, errors: ['the v field appears more than once', 'field "bad name=1" is not a valid extension'] },
  },
  // RFC 8460 §3: no white space around "=".
  { text: 'v=TLSRPTv1; rua = mailto:a@example.com', record: { rua: [], extensions: {}, errors: ['field "rua = mailto:a@example.com" is not a valid extension', 'the rua field is missing'] } },
];

describe('parseTlsRptRecord', () => {
  it.each(CASES)('$text', ({ text, record }) => {
    expect(parseTlsRptRecord(text)).toEqual(record);
  });
});

describe('looksLikeTlsRptRecord and tlsRptValue', () => {
  it('recognises miscased versions, so they can be reported', () => {
    expect(looksLikeTlsRptRecord(' v = TLSRPTv1;')).toBe(true);
    expect(looksLikeTlsRptRecord('v=tlsrptv1')).toBe(true);
    expect(looksLikeTlsRptRecord('v=STSv1; id=1')).toBe(false);
  });

  it('writes the record for a list of destinations', () => {
    expect(tlsRptValue(['mailto:a@example.com', 'https://r.example.com/'])).toBe('v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/');
  });
});
