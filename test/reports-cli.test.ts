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
