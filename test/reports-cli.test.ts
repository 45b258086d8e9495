/**
 * `mailcheck reports` through the built CLI: every container and format the
 * tests write themselves (RFC 7489 and RFC 9990 XML, gzip, zip, JSON, e-mail
 * with each attachment type, mbox, Maildir, TLS-RPT), errors per file with
 * their exit codes, the JSON shape against the generated schema, escaping.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers/cli.js';
import { aggregateJson, DAY, DAY1, failureReportEmail, gzip, reportEmail, rfc7489Xml, rfc9990Xml, tlsRptJson, type SampleRow } from './helpers/report-samples.js';
import { makeZip } from './helpers/zip.js';
import { reportsJsonSchema } from '../src/reports/schema.js';

const TIMEOUT = 60_000;
let dir: string;

/** Own servers sign and pass SPF; a SendGrid account signs as sendgrid.net (unaligned); spoofing; an ARC-sealed forwarder. */
export const ROWS: SampleRow[] = [
  { ip: '192.0.2.10', count: 100, dkim: 'pass', spf: 'pass', dkimAuth: [{ domain: 'example.test', selector: 's2026', result: 'pass' }] },
  {
    ip: '198.51.100.7',
    count: 40,
    dkim: 'fail',
    spf: 'fail',
    envelopeFrom: 'bounces.sendgrid.net',
    dkimAuth: [{ domain: 'sendgrid.net', selector: 's1', result: 'pass' }],
    spfAuth: [{ domain: 'sendgrid.net', result: 'pass' }],
  },
  { ip: '203.0.113.66', count: 5, dkim: 'fail', spf: 'fail', disposition: 'none', spfAuth: [{ domain: 'example.test', result: 'fail' }] },
  {
    ip: '192.0.2.200',
    count: 3,
    dkim: 'fail',
    spf: 'fail',
    reason: { type: 'local_policy', comment: 'arc=pass as.1.lists.test=pass' },
    spfAuth: [{ domain: 'lists.test', result: 'pass' }],
  },
];

const json = (stdout: string) => JSON.parse(stdout) as Record<string, any>;
const file = (name: string) => path.join(dir, name);
const write = (name: string, content: string | Buffer) => {
  mkdirSync(path.dirname(file(name)), { recursive: true });
  writeFileSync(file(name), content);
  return file(name);
};

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-reports-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mailcheck reports: containers', () => {
  it('reads RFC 7489 XML, RFC 9990 XML, gzip, zip and JSON into one set of totals', async () => {
    const inputs = [
      write('plain/a.xml', rfc7489Xml({ rows: ROWS, reportId: 'a' })),
      write('plain/b.xml.gz', gzip(rfc9990Xml({ rows: ROWS, reportId: 'b' }))),
      write('plain/c.zip', makeZip([{ name: 'c.xml', content: rfc7489Xml({ rows: ROWS, reportId: 'c' }) }])),
      write('plain/d.json', aggregateJson({ rows: ROWS, reportId: 'd' })),
    ];
    const { code, stdout, stderr } = await runCli(['reports', ...inputs, '--no-dns', '--format', 'json']);
    const result = json(stdout);
    expect(result.errors).toEqual([]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(result.reports).toMatchObject({ read: 4, failed: 0, aggregate: 4 });
    expect(result.domains).toHaveLength(1);
    const domain = result.domains[0];
    expect(domain).toMatchObject({ domain: 'example.test', reports: 4, messages: 4 * 148, dmarc: { pass: 400, fail: 192 } });
    expect(domain.aligned).toMatchObject({ spf: 400, dkim: 400 });
    expect(domain.begin).toBe('2026-11-01T00:00:00Z');
    expect(domain.receivers.map((receiver: { name: string }) => receiver.name).sort()).toEqual(['jsonreceiver.test', 'receiver.test', 'receiver2.test']);
    expect(domain.selectors).toEqual([{ domain: 'example.test', selector: 's2026' }]);
    expect(domain.daily).toEqual([{ day: '2026-11-01', messages: 592, pass: 400 }]);
    const byIp = Object.fromEntries(domain.sources.map((source: { ip: string }) => [source.ip, source]));
    expect(byIp['192.0.2.10']).toMatchObject({ verdict: 'authorised', legitimate: true, messages: 400 });
    expect(byIp['198.51.100.7']).toMatchObject({ verdict: 'service', service: 'sendgrid', legitimate: true, spf: { aligned: 0, authenticated: 160, domains: ['sendgrid.net'] } });
    expect(byIp['203.0.113.66']).toMatchObject({ verdict: 'spoofing', legitimate: false });
    expect(byIp['192.0.2.200']).toMatchObject({ verdict: 'forwarder', legitimate: true, forwarded: 12 });
  }, TIMEOUT);

  it('reads e-mails carrying each attachment type, an mbox and a Maildir', async () => {
    const xml = rfc7489Xml({ rows: ROWS.slice(0, 1), reportId: 'm1' });
    write('mail/xml.eml', reportEmail({ name: 'r.xml', type: 'text/xml', content: xml }));
    write('mail/gz.eml', reportEmail({ name: 'r.xml.gz', type: 'application/gzip', content: gzip(rfc7489Xml({ rows: ROWS.slice(0, 1), reportId: 'm2' })) }));
    write('mail/zip.eml', reportEmail({ name: 'r.zip', type: 'application/zip', content: makeZip([{ name: 'r.xml', content: rfc7489Xml({ rows: ROWS.slice(0, 1), reportId: 'm3' }) }]) }));
    write('mail/tls.eml', reportEmail({ name: 'tls.json.gz', type: 'application/tlsrpt+gzip', content: gzip(tlsRptJson([{ type: 'sts', domain: 'example.test', success: 10, failures: [] }], 'tls-mail')) }));
    const mbox = ['m4', 'm5']
      .map((id) => `From dmarc@receiver.test Mon Nov  2 01:00:00 2026\n${reportEmail({ name: `${id}.xml`, type: 'application/xml', content: rfc7489Xml({ rows: ROWS.slice(0, 1), reportId: id }) }).replace(/\r\n/g, '\n')}\n`)
      .join('');
    write('mail/reports.mbox', mbox);
    write('mail/Maildir/cur/1764000000.M1P1.host:2,S', reportEmail({ name: 'm6.xml', type: 'application/xml', content: rfc7489Xml({ rows: ROWS.slice(0, 1), reportId: 'm6' }) }));
    write('mail/Maildir/new/1764000001.M2P1.host', reportEmail({ name: 'm7.xml', type: 'application/xml', content: rfc7489Xml({ rows: ROWS.slice(0, 1), reportId: 'm7' }) }));
    write('mail/Maildir/tmp/1764000002.M3P1.host', 'half-written');
    write('mail/Maildir/dovecot-uidlist', '3 V1 N4');
    write('mail/failure.eml', failureReportEmail({ domain: 'example.test', ip: '203.0.113.66', dkimDomain: 'example.test', selector: 'old2019' }));
    const { code, stdout, stderr } = await runCli(['reports', file('mail'), '--no-dns', '--format', 'json']);
    const result = json(stdout);
    expect(result.errors).toEqual([]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(result.reports).toMatchObject({ aggregate: 7, tlsrpt: 1, failure: 1, failed: 0 });
    const domain = result.domains[0];
    expect(domain.messages).toBe(700);
    expect(domain.failureReports).toBe(1);
    expect(domain.selectors).toEqual([
      { domain: 'example.test', selector: 'old2019' },
      { domain: 'example.test', selector: 's2026' },
    ]);
    expect(result.tlsrpt).toEqual([{ domain: 'example.test', policy: 'sts', reports: 1, success: 10, failure: 0, failures: [] }]);
  }, TIMEOUT);

  it('reads TLS-RPT JSON and maps each failure type to its finding', async () => {
    const input = write(
      'tls/report.json',
      tlsRptJson([
        { type: 'sts', domain: 'example.test', success: 900, failures: [{ type: 'certificate-expired', count: 12 }, { type: 'sts-policy-fetch-error', count: 3 }] },
        { type: 'tlsa', domain: 'example.test', success: 50, failures: [{ type: 'tlsa-invalid', count: 2 }, { type: 'something-new', count: 1 }] },
        { type: 'no-policy-found', domain: 'example.test', success: 7, failures: [{ type: 'starttls-not-supported', count: 4 }] },
      ]),
    );
    const { code, stdout } = await runCli(['reports', input, '--no-dns', '--format', 'json']);
    expect(json(stdout).errors).toEqual([]);
    expect(code).toBe(0);
    expect(json(stdout).tlsrpt).toEqual([
      { domain: 'example.test', policy: 'no-policy-found', reports: 1, success: 7, failure: 4, failures: [{ type: 'starttls-not-supported', count: 4, findingId: 'tls/starttls-missing' }] },
      {
        domain: 'example.test',
        policy: 'sts',
        reports: 1,
        success: 900,
        failure: 15,
        failures: [
          { type: 'certificate-expired', count: 12, findingId: 'tls/expired-certificate' },
          { type: 'sts-policy-fetch-error', count: 3, findingId: 'mta-sts/policy-unreachable' },
        ],
      },
      {
        domain: 'example.test',
        policy: 'tlsa',
        reports: 1,
        success: 50,
        failure: 3,
        failures: [
          { type: 'tlsa-invalid', count: 2, findingId: 'dane/tlsa-mismatch' },
          { type: 'something-new', count: 1, findingId: null },
        ],
      },
    ]);
  }, TIMEOUT);
});

describe('mailcheck reports: errors per file', () => {
  it('names every input it cannot read, goes on with the rest and exits 3', async () => {
    const good = write('bad/good.xml', rfc7489Xml({ rows: ROWS, reportId: 'good' }));
    const inputs = [
      good,
      write('bad/notes.txt', 'just some notes\n'),
      write('bad/broken.xml', '<feedback><report_metadata><org_name>x</org_name>'),
      write('bad/latin1.xml', Buffer.concat([Buffer.from('<feedback><report_metadata><org_name>'), Buffer.from([0xe9, 0xff]), Buffer.from('</org_name></report_metadata></feedback>')])),
      write('bad/other.json', '{"hello": "world"}'),
      write('bad/other-root.xml', '<?xml version="1.0"?><rss><channel/></rss>'),
      write('bad/entities.xml', '<?xml version="1.0"?><!DOCTYPE feedback [<!ENTITY a "aaaaaaaaaa">]><feedback>&a;</feedback>'),
      write('bad/bomb.zip', makeZip([{ name: 'bomb.xml', content: 'x'.repeat(1000), declaredSize: 10 * 1024 ** 3 }])),
      write('bad/entry-bomb.zip', makeZip([{ name: 'big.xml', content: 'x'.repeat(1000), declaredSize: 100 * 1024 ** 2 }, { name: 'ok.xml', content: rfc7489Xml({ rows: ROWS, reportId: 'in-zip' }) }])),
      write('bad/bad-ip.xml', rfc7489Xml({ rows: [{ ip: 'not-an-ip', count: 1, dkim: 'pass', spf: 'pass' }], reportId: 'ip' })),
      write('bad/no-report.eml', 'From: a@b.test\r\nSubject: hi\r\n\r\nno attachment\r\n'),
      file('bad/missing.xml'),
    ];
    const { code, stdout, stderr } = await runCli(['reports', ...inputs, '--no-dns', '--format', 'json']);
    expect(code).toBe(3);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
    const result = json(stdout);
    // The report with a bad source_ip broke off after its header: counted as read, and listed as an error.
    expect(result.reports).toMatchObject({ read: 3, failed: 11 });
    const messages = Object.fromEntries(result.errors.map((error: { file: string; message: string }) => [path.basename(error.file), error.message]));
    expect(Object.keys(messages).sort()).toEqual(
      ['notes.txt', 'broken.xml', 'latin1.xml', 'other.json', 'other-root.xml', 'entities.xml', 'bomb.zip', 'entry-bomb.zip!big.xml', 'bad-ip.xml', 'no-report.eml', 'missing.xml'].sort(),
    );
    expect(messages['notes.txt']).toMatch(/^not a report/);
    expect(messages['broken.xml']).toMatch(/^invalid XML/);
    expect(messages['latin1.xml']).toBe('invalid UTF-8');
    expect(messages['other.json']).toMatch(/^unknown schema/);
    expect(messages['other-root.xml']).toMatch(/^not a DMARC aggregate report/);
    expect(messages['entities.xml']).toMatch(/DOCTYPE/);
    expect(messages['bomb.zip']).toMatch(/^refused: the zip archive declares 10240 MiB/);
    expect(messages['entry-bomb.zip!big.xml']).toMatch(/^refused: the entry inflates to 100 MiB/);
    expect(messages['bad-ip.xml']).toMatch(/source_ip/);
    expect(messages['missing.xml']).toBe('cannot read (ENOENT)');
    expect(result.domains[0].messages).toBe(2 * 148);
  }, TIMEOUT);

  it('exits 2 with one line on stderr when nothing could be read', async () => {
    const { code, stdout, stderr } = await runCli(['reports', write('none/a.txt', 'nothing'), '--no-dns']);
    expect(code).toBe(2);
    expect(stderr).toBe('mailcheck: none of the 1 input could be read as a report.\n');
    expect(stdout).toContain('not a report');
  }, TIMEOUT);

  it('refuses a gzip bomb without inflating it past the limit', async () => {
    // 80 MiB of zeros: more than one report may hold once inflated.
    const bomb = write('gzbomb/big.xml.gz', gzip(Buffer.alloc(80 * 1024 * 1024)));
    const { code, stdout } = await runCli(['reports', bomb, '--no-dns', '--format', 'json']);
    expect(code).toBe(2);
    expect(json(stdout).errors[0].message).toMatch(/^refused: the gzip data inflates to more than 64 MiB/);
  }, TIMEOUT);

  it('refuses usage errors with one line and exit 2', async () => {
    for (const args of [
      ['reports', '--no-dns'],
      ['reports', 'x', '--since', 'yesterday'],
      ['reports', 'x', '--format', 'sarif'],
      ['reports', 'x', '--checks', 'spf'],
      ['reports', 'x', '--domain', 'not a domain'],
    ]) {
      const { code, stderr } = await runCli(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(stderr).toMatch(/^mailcheck: /);
    }
  }, TIMEOUT);
});

describe('mailcheck reports: filters and duplicates', () => {
  it('keeps one domain and one period, and counts a report delivered twice once', async () => {
    const inputs = [
      write('filter/a.xml', rfc7489Xml({ rows: ROWS, reportId: 'f1' })),
      write('filter/a-again.xml.gz', gzip(rfc7489Xml({ rows: ROWS, reportId: 'f1' }))),
      write('filter/later.xml', rfc7489Xml({ rows: ROWS, reportId: 'f2', begin: DAY1 + 10 * DAY, end: DAY1 + 11 * DAY - 1 })),
      write('filter/other.xml', rfc7489Xml({ rows: ROWS, reportId: 'f3', domain: 'other.test' })),
    ];
    const all = json((await runCli(['reports', ...inputs, '--no-dns', '--format', 'json'])).stdout);
    expect(all.reports).toMatchObject({ read: 4, duplicates: 1 });
    expect(all.domains.map((domain: { domain: string }) => domain.domain).sort()).toEqual(['example.test', 'other.test']);
    const { code, stdout } = await runCli(['reports', ...inputs, '--no-dns', '--format', 'json', '--domain', 'example.test', '--since', '2026-11-05', '--until', '2026-11-30']);
    expect(code).toBe(0);
    const result = json(stdout);
    expect(result.filters).toEqual({ domain: 'example.test', since: '2026-11-05T00:00:00Z', until: '2026-11-30T23:59:59Z' });
    expect(result.reports).toMatchObject({ read: 4, duplicates: 1, filtered: 2 });
    expect(result.domains).toHaveLength(1);
    expect(result.domains[0]).toMatchObject({ domain: 'example.test', reports: 1, begin: '2026-11-11T00:00:00Z' });
    const html = (await runCli(['reports', ...inputs, '--no-dns', '--format', 'html', '--domain', 'example.test'])).stdout;
    expect(html).toContain('aria-label="DMARC pass rate per day"');
    expect(html).toContain('<title>2026-11-11: 67.6% of 148</title>');
  }, TIMEOUT);
});

describe('mailcheck reports: output formats', () => {
  let inputs: string[];
  beforeAll(() => {
    const hostile = { rows: ROWS, reportId: 'h1', org: 'evil\u202egro\u0085x' };
    inputs = [
      write('fmt/a.xml', rfc7489Xml(hostile)),
      write('fmt/b.json', aggregateJson({ rows: [{ ip: '192.0.2.99', count: 2, dkim: 'fail', spf: 'fail', spfAuth: [{ domain: '=cmd|calc', result: 'pass' }] }], reportId: 'h2', org: 'ansi\u001b[31mred' })),
      write('fmt/tls.json', tlsRptJson([{ type: 'sts', domain: 'example.test', success: 5, failures: [{ type: 'certificate-expired', count: 1 }] }])),
    ];
  });

  it('has schema/reports.schema.json equal to the schema generated from src/reports/schema.ts (npm run schema)', () => {
    expect(readFileSync(path.join(ROOT, 'schema', 'reports.schema.json'), 'utf8')).toBe(`${JSON.stringify(reportsJsonSchema(), null, 2)}\n`);
  });

  it('prints JSON that validates against schema/reports.schema.json', async () => {
    const { code, stdout } = await runCli(['reports', ...inputs, '--no-dns', '--format', 'json']);
    expect(code).toBe(0);
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(path.join(ROOT, 'schema', 'reports.schema.json'), 'utf8')));
    const result = json(stdout);
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    expect(Object.keys(result)).toEqual(['schemaVersion', 'reports', 'filters', 'domains', 'tlsrpt', 'errors']);
  }, TIMEOUT);

  it('escapes control characters in text, neutralises formulas in CSV, escapes HTML and Markdown', async () => {
    const text = (await runCli(['reports', ...inputs, '--no-dns'])).stdout;
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(text).toContain('evil\\u{202e}gro\\u{85}x');
    expect(text).toContain('ansi\\u{1b}[31mred');
    const csv = (await runCli(['reports', ...inputs, '--no-dns', '--format', 'csv'])).stdout;
    expect(csv.split('\r\n')[0]).toBe('kind,domain,begin,end,ip,ptr,service,group,messages,dmarc_pass,dmarc_fail,spf_aligned,dkim_aligned,forwarded,verdict,legitimate,blocking,detail');
    expect(csv).toContain(",'=cmd|calc,");
    expect(csv).toContain('tlsrpt,example.test,,,,,,sts,1,,,,,,,,,certificate-expired tls/expired-certificate');
    const html = (await runCli(['reports', ...inputs, '--no-dns', '--format', 'html'])).stdout;
    expect(html).toContain("Content-Security-Policy");
    expect(html).toContain('<svg class="chart"');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('ansi\\u{1b}[31mred');
    const markdown = (await runCli(['reports', ...inputs, '--no-dns', '--format', 'markdown'])).stdout;
    expect(markdown).toContain('## example.test');
    expect(markdown).toContain('ansi\\\\u{1b}\\[31mred');
  }, TIMEOUT);

  it('writes to -o', async () => {
    const output = file('fmt/out.json');
    const { code, stdout } = await runCli(['reports', inputs[0]!, '--no-dns', '--format', 'json', '-o', output]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(json(readFileSync(output, 'utf8')).reports.read).toBe(1);
  }, TIMEOUT);
});
