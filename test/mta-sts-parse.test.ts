/**
 * MTA-STS record (RFC 8461 §3.1) and policy (§3.2) parsing, and MX matching (§4.1).
 */
import { describe, expect, it } from 'vitest';
import { looksLikeStsRecord, parseStsRecord } from '../src/mta-sts/record.js';
import { mxMatches, parseStsPolicy } from '../src/mta-sts/policy.js';

describe('MTA-STS record', () => {
  it.each([
    ['v=STSv1; id=20160831085700Z;', '20160831085700Z'],
    ['v=STSv1;id=abc', 'abc'],
    ['v=STSv1; id=abc; ext_1=value', 'abc'],
    ['v=STSv1 ; id=abc', 'abc'],
  ])('accepts %j', (text, id) => {
    expect(parseStsRecord(text)).toMatchObject({ id, errors: [] });
  });

  it.each([
    ['v=STSv1;', /id field is missing/],
    ['v=STSv1; id=2024-01-01', /letters and digits/],
    ['v=STSv1; id=' + 'a'.repeat(33), /letters and digits/],
    ['V=stsv1; id=1', /must start with "v=STSv1;"/],
    ['v=STSv1; id=1; id=2', /more than once/],
    ['v=STSv1; id=1;; x=y', /empty field/],
    ['v=STSv1; id=1; bad field', /not name=value/],
  ])('rejects %j', (text, error) => {
    const record = parseStsRecord(text);
    expect(record.errors.join('\n')).toMatch(error);
  });

  it('recognises miscased records as meant for MTA-STS', () => {
    expect(looksLikeStsRecord('V=STSV1; id=1')).toBe(true);
    expect(looksLikeStsRecord('v=spf1 -all')).toBe(false);
  });
});

describe('MTA-STS policy', () => {
  it('parses LF and CRLF policies with extensions', () => {
    for (const eol of ['\n', '\r\n']) {
      const policy = parseStsPolicy(['version: STSv1', 'mode: enforce', 'mx: mail.example.com', 'mx: *.example.net', 'max_age: 604800', 'x-ext: 1', ''].join(eol));
      expect(policy).toEqual({ version: 'STSv1', mode: 'enforce', maxAge: 604800, mx: ['mail.example.com', '*.example.net'], extensions: { 'x-ext': '1' }, errors: [] });
    }
  });

  it.each([
    ['version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n', /not "STSv1"/],
    ['version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n', /mode is "strict"/],
    ['version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n', /exceeds/],
    ['version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n', /not a number/],
    ['version: STSv1\nmode: enforce\nmax_age: 86400\n', /no mx field/],
    ['mode: enforce\nmx: a.example\nmax_age: 86400\n', /version field is missing/],
    ['version: STSv1\nmode: enforce\nmode: testing\nmx: a.example\nmax_age: 86400\n', /more than once/],
    ['<html>\n<body>hello</body>\n', /not "key: value"/],
    ['version: STSv1\nmode: enforce\nmx: *.*.example\nmax_age: 86400\n', /not a host name/],
  ])('rejects %j', (text, error) => {
    expect(parseStsPolicy(text).errors.join('\n')).toMatch(error);
  });

  it('lets a mode none policy omit mx', () => {
    expect(parseStsPolicy('version: STSv1\nmode: none\nmax_age: 86400\n').errors).toEqual([]);
  });
});

describe('MX matching (RFC 8461 §4.1)', () => {
  it.each([
    ['mail.example.com', 'mail.example.com', true],
    ['mail.example.com', 'MAIL.example.com.', true],
    ['*.example.com', 'mx1.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'mx1.example.org', false],
    ['mail.example.com', 'mail2.example.com', false],
  ])('%s vs %s → %s', (pattern, host, expected) => {
    expect(mxMatches(pattern, host)).toBe(expected);
  });
});
