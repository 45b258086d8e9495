/**
 * The text and JSON reporters over hand-built reports: zone-file lines with
 * TXT split into 255-octet strings and escaped, colour only on request,
 * 80 columns, the Fix first ranking, verbose evidence.
 */
import { describe, expect, it } from 'vitest';
import { renderText, wrap } from '../src/report/text.js';
import { renderJson } from '../src/report/json.js';
import { FORMATS, FORMAT_NAMES } from '../src/report/formats.js';
import { fixRecordLines, presentValue, splitTxt, txtPresentation, zoneLine } from '../src/report/zone.js';
import { createStyle, shouldColor } from '../src/report/style.js';
import { scoreChecks } from '../src/score.js';
import { SCHEMA_VERSION, reportSchema, type CheckResult, type Report } from '../src/schema/report.js';

const ANSI = /\x1b\[[0-9;]*m/;
const options = { color: false, verbose: false, failOn: 'high' as const };
const LONG_KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'.padEnd(392, 'x');

function makeReport(domain = 'broken.test'): Report {
  const checks: CheckResult[] = [
    {
      id: 'mx',
      title: 'MX records',
      status: 'pass',
      score: null,
      findings: [],
      facts: { hosts: [{ exchange: `mx1.${domain}`, preference: 10, ipv4: ['192.0.2.10'], ipv6: [] }] },
      summary: [`10 mx1.${domain} → 192.0.2.10`],
      durationMs: 3,
    },
    {
      id: 'dmarc',
      title: 'DMARC',
      status: 'fail',
      score: null,
      findings: [
        {
          id: 'dmarc/policy-none',
          severity: 'high',
          title: 'Policy none',
          message: 'DMARC policy is p=none: receivers take no action on failing mail',
          evidence: ['_dmarc.broken.test TXT "v=DMARC1; p=none"'],
          fix: {
            summary: 'Publish p=quarantine',
            records: [
              { action: 'replace', name: `_dmarc.${domain}`, type: 'TXT', value: 'v=DMARC1; p=quarantine; rua=mailto:<REPORT-MAILBOX>', current: 'v=DMARC1; p=none' },
            ],
            placeholders: { 'REPORT-MAILBOX': 'a mailbox that receives aggregate reports' },
          },
        },
      ],
      facts: { record: 'v=DMARC1; p=none' },
      summary: ['record: v=DMARC1; p=none'],
      durationMs: 5,
    },
    {
      id: 'dkim',
      title: 'DKIM',
      status: 'warn',
      score: null,
      findings: [
        {
          id: 'dkim/weak-key',
          severity: 'medium',
          title: 'Weak key',
          message: 'The key at s1 is 1024 bits',
          evidence: ['s1._domainkey TXT'],
          fix: {
            summary: 'Publish a 2048-bit key',
            records: [{ action: 'add', name: `s2._domainkey.${domain}`, type: 'TXT', value: `v=DKIM1; k=rsa; p=${LONG_KEY}`, ttl: 300 }],
          },
        },
      ],
      facts: {},
      durationMs: 7,
    },
    { id: 'tls', title: 'STARTTLS', status: 'skipped', score: null, findings: [], facts: {}, skipReason: 'SMTP probing is disabled (--no-smtp)', durationMs: 0 },
    { id: 'spf', title: 'SPF', status: 'error', score: null, findings: [], facts: {}, error: 'TXT query for broken.test timed out', durationMs: 250 },
  ];
  const scored = scoreChecks(checks);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'mailcheck-cli', version: '0.0.0' },
    domain,
    generatedAt: '2026-01-01T00:00:00.000Z',
    score: scored.score,
    receiving: scored.receiving,
    parked: scored.parked,
    profiles: scored.profiles,
    checks: scored.checks,
    fixes: scored.fixes,
    dns: { queries: 12, servers: ['127.0.0.1:5353'] },
  };
}

describe('zone-file lines', () => {
  it('splits TXT values into character-strings of at most 255 octets, never inside a character', () => {
    expect(splitTxt('a'.repeat(255))).toEqual(['a'.repeat(255)]);
    expect(splitTxt('a'.repeat(256))).toEqual(['a'.repeat(255), 'a']);
    expect(splitTxt('a'.repeat(600)).map((s) => s.length)).toEqual([255, 255, 90]);
    // "é" is two octets: 254 + 2 would be 256, so it moves to the next string.
    const chunks = splitTxt(`${'a'.repeat(254)}é`);
    expect(chunks).toEqual(['a'.repeat(254), 'é']);
    for (const chunk of splitTxt('é'.repeat(300))) expect(Buffer.byteLength(chunk)).toBeLessThanOrEqual(255);
    expect(splitTxt('')).toEqual(['']);
  });

  it('quotes and escapes TXT strings', () => {
    expect(txtPresentation('v=spf1 -all')).toBe('"v=spf1 -all"');
    expect(txtPresentation('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
    expect(txtPresentation('tab\there')).toBe('"tab\\009here"');
    expect(txtPresentation('x'.repeat(300))).toBe(`"${'x'.repeat(255)}" "${'x'.repeat(45)}"`);
  });

  it('writes name. TTL IN TYPE value with absolute names', () => {
    expect(zoneLine({ name: '_dmarc.example.com', type: 'TXT' }, 'v=DMARC1; p=reject')).toBe(
      '_dmarc.example.com. 3600 IN TXT "v=DMARC1; p=reject"',
    );
    expect(zoneLine({ name: 'example.com', type: 'mx', ttl: 300 }, '10 mx1.example.com')).toBe('example.com. 300 IN MX 10 mx1.example.com.');
    expect(presentValue('MX', '0 .')).toBe('0 .');
    expect(presentValue('CNAME', 'target.example.net.')).toBe('target.example.net.');
    expect(presentValue('A', '192.0.2.1')).toBe('192.0.2.1');
    expect(presentValue('MX', '10 <MAIL-HOST>')).toBe('10 <MAIL-HOST>');
  });

  it('shows the current record of a replacement as a comment, and removals only as comments', () => {
    expect(
      fixRecordLines({ action: 'replace', name: 'example.com', type: 'TXT', value: 'v=spf1 mx -all', current: 'v=spf1 mx ~all' }),
    ).toEqual(['; replaces: example.com. 3600 IN TXT "v=spf1 mx ~all"', 'example.com. 3600 IN TXT "v=spf1 mx -all"']);
    expect(fixRecordLines({ action: 'remove', name: 'example.com', type: 'TXT', value: 'v=spf1 +all' })).toEqual([
      '; remove: example.com. 3600 IN TXT "v=spf1 +all"',
    ]);
  });
});

describe('text reporter', () => {
  const report = makeReport();

  it('prints the header, a line per check with its glyph, findings with severity and id', () => {
    const text = renderText([report], options);
    const lines = text.split('\n');
    expect(lines[0]).toBe('broken.test');
    expect(lines[1]).toBe(`Deliverability ${report.score.value}/100  Grade ${report.score.grade}`);
    expect(lines[2]).toBe(`Receiving security ${report.receiving.value}/100 ${report.receiving.grade}`);
    expect(text).toMatch(/^Incomplete: 1 check could not conclude/m);
    expect(text).toMatch(/^✓ MX records +pass/m);
    expect(text).toMatch(/^✗ DMARC +fail/m);
    expect(text).toMatch(/^! DKIM +warn/m);
    expect(text).toMatch(/^- STARTTLS +skipped\n +SMTP probing is disabled \(--no-smtp\)$/m);
    expect(text).toMatch(/^\? SPF +error\n +TXT query for broken\.test timed out$/m);
    expect(text).toMatch(/^ +HIGH +dmarc\/policy-none$/m);
    expect(text).toMatch(/^ +MEDIUM +dkim\/weak-key$/m);
    // The check's key facts (its summary lines).
    expect(text).toMatch(/^ +10 mx1\.broken\.test → 192\.0\.2\.10$/m);
  });

  it('prints each fix record as a ready-to-paste zone-file line, TXT split and quoted', () => {
    const text = renderText([report], options);
    const lines = text.split('\n').map((line) => line.trim());
    expect(lines).toContain('; replaces: _dmarc.broken.test. 3600 IN TXT "v=DMARC1; p=none"');
    expect(lines).toContain('_dmarc.broken.test. 3600 IN TXT "v=DMARC1; p=quarantine; rua=mailto:<REPORT-MAILBOX>"');
    const value = `v=DKIM1; k=rsa; p=${LONG_KEY}`;
    expect(lines).toContain(`s2._domainkey.broken.test. 300 IN TXT "${value.slice(0, 255)}" "${value.slice(255)}"`);
    expect(text).toContain('<REPORT-MAILBOX>: a mailbox that receives aggregate reports');
  });

  it('ends with a Fix first list ranked by points', () => {
    const text = renderText([report], options);
    const fixFirst = text.slice(text.indexOf('Fix first'));
    const ranked = [...fixFirst.matchAll(/^ +\d+\. +\+(\d+) +([a-z-]+\/[a-z-]+) +(.*)$/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(ranked).toEqual(report.fixes.map((fix) => [fix.points, fix.findingId]));
    expect(ranked[0]![1]).toBe('dmarc/policy-none');
    expect(ranked[0]![0]).toBeGreaterThan(ranked[1]![0] as number);
  });

  it('has no ANSI codes without colour and colours with it', () => {
    expect(renderText([report], options)).not.toMatch(ANSI);
    const coloured = renderText([report], { ...options, color: true });
    expect(coloured).toMatch(ANSI);
    // Same text once the codes are stripped.
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(renderText([report], options));
  });

  it('fits in 80 columns except for zone-file lines, which must paste whole', () => {
    const text = renderText([report], { ...options, verbose: true });
    for (const line of text.split('\n')) {
      const isRecord = /\bIN (TXT|MX|A|AAAA|CNAME|PTR|TLSA)\b/.test(line);
      if (!isRecord) expect([...line].length, line).toBeLessThanOrEqual(80);
    }
  });

  it('shows evidence, facts and timings only when verbose', () => {
    const quiet = renderText([report], options);
    const verbose = renderText([report], { ...options, verbose: true });
    expect(quiet).not.toContain('· _dmarc.broken.test TXT');
    expect(verbose).toContain('· _dmarc.broken.test TXT "v=DMARC1; p=none"');
    expect(verbose).toMatch(/facts:\n +record: v=DMARC1; p=none/);
    expect(verbose).toMatch(/^✗ DMARC +fail +\d+% 5 ms$/m);
  });

  it('prints several reports one after another, then a summary', () => {
    const text = renderText([report, makeReport('other.test')], options);
    expect(text.indexOf('broken.test')).toBeLessThan(text.indexOf('\nother.test\n'));
    expect(text).toMatch(new RegExp(`^Summary\\n  broken\\.test +${report.score.value} +${report.score.grade.replace('+', '\\+')} \\(incomplete\\) +receiving ${report.receiving.value}/100`, 'm'));
  });

  it('says there is nothing to fix when there is nothing', () => {
    const clean: Report = { ...makeReport(), checks: [], fixes: [], score: { value: 100, grade: 'A+', complete: true, verified: true } };
    expect(renderText([clean], options)).toContain('Nothing to fix.');
  });

  it('wraps words to the width with the given indents', () => {
    expect(wrap('aaa bbb ccc', 9, '  ', '    ')).toEqual(['  aaa bbb', '    ccc']);
    expect(wrap('x'.repeat(20), 10, '')).toEqual(['x'.repeat(20)]);
  });
});

describe('json reporter', () => {
  it('prints one report as an object and several as an array, valid against the schema', () => {
    const one = JSON.parse(renderJson([makeReport()], options));
    expect(Array.isArray(one)).toBe(false);
    expect(reportSchema.parse(one)).toEqual(one);
    const two = JSON.parse(renderJson([makeReport(), makeReport('other.test')], options));
    expect(two.map((r: Report) => r.domain)).toEqual(['broken.test', 'other.test']);
  });

  it('never colours', () => {
    expect(renderJson([makeReport()], { ...options, color: true })).not.toMatch(ANSI);
  });
});

describe('format registry', () => {
  it('offers text and json, each loading a reporter', async () => {
    expect(FORMAT_NAMES).toEqual(expect.arrayContaining(['text', 'json']));
    for (const name of FORMAT_NAMES) {
      const render = await FORMATS[name].load();
      expect(typeof render(([makeReport()]), options)).toBe('string');
    }
  });
});

describe('colour decision', () => {
  it('follows the flag, then NO_COLOR, then FORCE_COLOR, then the TTY', () => {
    expect(shouldColor({ flag: true, env: { NO_COLOR: '1' }, isTTY: false })).toBe(true);
    expect(shouldColor({ flag: false, env: { FORCE_COLOR: '1' }, isTTY: true })).toBe(false);
    expect(shouldColor({ env: { NO_COLOR: '1', FORCE_COLOR: '1' }, isTTY: true })).toBe(false);
    expect(shouldColor({ env: { NO_COLOR: '' }, isTTY: true })).toBe(true);
    expect(shouldColor({ env: { FORCE_COLOR: '1' }, isTTY: false })).toBe(true);
    expect(shouldColor({ env: { FORCE_COLOR: '0' }, isTTY: true })).toBe(false);
    expect(shouldColor({ env: {}, isTTY: true })).toBe(true);
    expect(shouldColor({ env: {}, isTTY: false })).toBe(false);
    expect(shouldColor({ env: { TERM: 'dumb' }, isTTY: true })).toBe(false);
  });

  it('styles nothing when colour is off', () => {
    const plain = createStyle(false);
    expect(plain.grade('F')('x')).toBe('x');
    expect(createStyle(true).grade('F')('x')).toMatch(ANSI);
  });
});

describe('verbose facts', () => {
  const token = `include:_spf.${'a'.repeat(90)}.test`;
  const tree = {
    domain: 'facts.test',
    record: `v=spf1 ${token} -all`,
    lookups: 1,
    children: [{ domain: `_spf.${'a'.repeat(90)}.test`, record: 'v=spf1 ip4:192.0.2.0/24 -all', children: [] }],
  };
  const note = 'The policy was not fetched because probes are disabled offline, so its mode and max_age are unknown here.';
  const factsReport = (): Report => {
    const check: CheckResult = { id: 'spf', title: 'SPF', status: 'pass', score: null, findings: [], facts: { tree, note, lookups: 1, empty: {} }, durationMs: 1 };
    const scored = scoreChecks([check]);
    return { ...makeReport('facts.test'), checks: scored.checks, fixes: scored.fixes, score: scored.score };
  };
  /** The lines of one fact: from "<key>: " to the next fact at the same indent. */
  const fact = (text: string, key: string): string[] => {
    const lines = text.split('\n');
    const start = lines.findIndex((line) => line.startsWith(`      ${key}: `));
    expect(start, key).toBeGreaterThanOrEqual(0);
    let end = start + 1;
    while (end < lines.length && (/^ {7,}/.test(lines[end]!) || /^ {6}[\]}]$/.test(lines[end]!))) end++;
    return lines.slice(start, end);
  };

  it('lays JSON out one member per line when it does not fit, never splitting a token', () => {
    const text = renderText([factsReport()], { ...options, verbose: true });
    const lines = fact(text, 'tree');
    expect(lines.length).toBeGreaterThan(3);
    // The JSON reads back as the fact itself.
    expect(JSON.parse(lines.join('\n').replace(/^ +tree: /, ''))).toEqual(tree);
    // The long token is whole on one line; every other line fits the width.
    expect(lines.filter((line) => line.includes(token))).toHaveLength(1);
    for (const line of lines) if (!line.includes('a'.repeat(90))) expect([...line].length, line).toBeLessThanOrEqual(80);
    // Short values stay on one line.
    expect(fact(text, 'lookups')).toEqual(['      lookups: 1']);
    expect(fact(text, 'empty')).toEqual(['      empty: {}']);
  });

  it('word-wraps a text fact without breaking a word', () => {
    const text = renderText([factsReport()], { ...options, verbose: true });
    const lines = fact(text, 'note');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.map((line) => line.trim()).join(' ')).toBe(`note: ${note}`);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
  });
});

describe('a report where nothing concluded', () => {
  const skippedCheck = (id: string): CheckResult => ({ id, title: id.toUpperCase(), status: 'skipped', score: null, findings: [], facts: {}, skipReason: 'not selected (--checks)', durationMs: 0 });
  const build = (checks: CheckResult[]): Report => {
    const scored = scoreChecks(checks);
    return { ...makeReport('none.test'), checks: scored.checks, fixes: scored.fixes, score: scored.score, receiving: scored.receiving, profiles: scored.profiles };
  };

  it('the only check run errored: no score, no "rests on the others", no "Nothing to fix."', () => {
    const report = build([
      { id: 'mx', title: 'MX records', status: 'error', score: null, findings: [], facts: {}, error: 'MX query for none.test failed: TIMEOUT', durationMs: 5 },
      skippedCheck('spf'),
      skippedCheck('dmarc'),
    ]);
    const text = renderText([report], options);
    expect(text.split('\n')[1]).toBe('Deliverability —  (nothing could be verified)');
    expect(text.split('\n')[2]).toBe('Receiving security —');
    expect(text).toMatch(/^Incomplete: the only check run could not conclude, so there is no score\.$/m);
    expect(text).not.toMatch(/the others|none other|Nothing to fix/);
    expect(text).toMatch(/^Nothing could be verified, so no fix is known/m);
  });

  it('several checks run, all errored', () => {
    const error = (id: string): CheckResult => ({ id, title: id, status: 'error', score: null, findings: [], facts: {}, error: 'timeout', durationMs: 5 });
    const text = renderText([build([error('mx'), error('dmarc'), skippedCheck('spf')])], options);
    expect(text).toMatch(/^Incomplete: none of the 2 checks run could conclude, so there is no score\.$/m);
    expect(text).not.toMatch(/Nothing to fix/);
  });

  it('every check skipped: no score of 100, no "Nothing to fix."', () => {
    const report = build([skippedCheck('mx'), { ...skippedCheck('tls'), skipReason: 'SMTP probing is disabled (--no-smtp)' }]);
    const text = renderText([report, report], options);
    expect(text.split('\n')[1]).toBe('Deliverability —  (no check ran)');
    expect(text).not.toMatch(/100\/100|Nothing to fix/);
    expect(text).toMatch(/^Nothing was checked, so nothing to fix\.$/m);
    expect(text).toMatch(/^ {2}none\.test +— +— {2}\(no check ran\)$/m);
  });
});

describe('wrap with breakLongWords', () => {
  it('cuts words longer than a line', () => {
    const lines = wrap(`key: ${'y'.repeat(100)}`, 40, '  ', '    ', true);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
    expect(lines.join('').replace(/\s+/g, '')).toBe(`key:${'y'.repeat(100)}`);
  });
});
