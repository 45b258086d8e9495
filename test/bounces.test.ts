/**
 * mailcheck bounces: RFC 3464 parsing, the non-standard formats, the reason
 * taxonomy and hard/soft, auto-replies and complaints, mbox/Maildir/stdin
 * reading, and the CLI's outputs (JSON Schema, --suppress, exit codes).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { parseDeliveryStatus } from '../src/bounces/dsn.js';
import { classifyMessage } from '../src/bounces/message.js';
import { BOUNCE_REASONS, HARD_REASONS, SENDER_REASONS, bounceRuleFindingIds, classifyReason } from '../src/bounces/reason.js';
import { CHECKS } from '../src/checks/index.js';
import { readStream } from '../src/bounces/read-input.js';
import { bouncesJsonSchema } from '../src/bounces/schema.js';
import { bounceRows } from '../src/commands/bounces.js';
import * as samples from './helpers/bounce-samples.js';
import { ROOT, runCli } from './helpers/cli.js';
import { useFixture } from './helpers/context.js';

async function rowsOf(raw: string) {
  const message = await classifyMessage(Buffer.from(raw));
  return { message, rows: bounceRows('sample.eml', message) };
}

describe('RFC 3464 delivery-status', () => {
  it('parses per-recipient blocks, folded fields, typed values and a missing Final-Recipient', () => {
    const parsed = parseDeliveryStatus(
      'Reporting-MTA: dns; mta.sender.example\r\n\r\nFinal-Recipient: rfc822; <a@x.example>\r\nAction: failed\r\nStatus: 5.1.1 (user unknown)\r\nDiagnostic-Code: smtp; 550 5.1.1\r\n  no such user\r\n\r\nOriginal-Recipient: rfc822;b@x.example\r\nAction: Delayed\r\nStatus: 4.4.1\r\n',
    );
    expect(parsed.reportingMta).toBe('mta.sender.example');
    expect(parsed.recipients).toEqual([
      { recipient: 'a@x.example', action: 'failed', status: '5.1.1', diagnosticType: 'smtp', diagnostic: '550 5.1.1 no such user' },
      { recipient: 'b@x.example', originalRecipient: 'b@x.example', action: 'delayed', status: '4.4.1' },
    ]);
  });

  it('gives one row per failed or delayed recipient, none for the delivered one', async () => {
    const { message, rows } = await rowsOf(samples.RFC3464_MIXED);
    expect(message.kind).toBe('bounce');
    expect(rows.map((row) => [row.recipient, row.action, row.status, row.reply, row.reason, row.hard, row.diagnosticType])).toEqual([
      ['gone@receiver.example', 'failed', '5.1.1', 550, 'userunknown', true, 'smtp'],
      ['full@receiver.example', 'delayed', '4.2.2', 452, 'mailboxfull', false, 'smtp'],
      ['local@sender.example', 'failed', '5.3.0', null, 'mailboxfull', false, 'x-unix'],
    ]);
    expect(rows[0]).toMatchObject({
      remoteMta: 'mx1.receiver.example',
      reportingMta: 'mta.sender.example',
      diagnostic: '550 5.1.1 <gone@receiver.example>: Recipient address rejected: User unknown in virtual mailbox table',
      sendingDomain: 'sender.example',
      date: '2026-12-04T09:29:58.000Z',
      receivingDomain: 'receiver.example',
    });
  });

  it('reads a DSN with CRLF and with lone CR line ends alike', async () => {
    const crlf = await rowsOf(samples.RFC3464_MIXED.replace(/\n/g, '\r\n'));
    expect(crlf.rows.map((row) => row.reason)).toEqual(['userunknown', 'mailboxfull', 'mailboxfull']);
    const messages = [];
    for await (const item of readStream([Buffer.from(samples.RFC3464_MIXED.replace(/\n/g, '\r'))], 'cr.eml')) messages.push(item);
    expect(messages).toHaveLength(1);
    const cr = await rowsOf(('raw' in messages[0]! ? messages[0].raw : Buffer.alloc(0)).toString('latin1'));
    expect(cr.rows.map((row) => row.recipient)).toEqual(['gone@receiver.example', 'full@receiver.example', 'local@sender.example']);
  });
});

describe('sender-side reasons point at the DNS fix', () => {
  it.each([
    ['Gmail 5.7.26 unauthenticated', 'authfailure', 'spf/ip-not-authorized', '192.0.2.25', samples.GMAIL_UNAUTHENTICATED],
    ['Gmail 5.7.25 reverse DNS', 'requireptr', 'ptr/missing', '192.0.2.25', samples.GMAIL_PTR],
    ['Microsoft 5.7.515', 'authfailure', 'spf/ip-not-authorized', undefined, samples.MICROSOFT_AUTH],
    ['Gmail 5.7.29 TLS required', 'securityerror', 'tls/starttls-missing', undefined, samples.GMAIL_TLS],
    ['Yahoo blocklisted IP', 'blocked', 'blocklist/ip-listed', '192.0.2.25', samples.YAHOO_TEXT],
  ])('%s → %s, %s', async (_name, reason, findingId, ip, raw) => {
    const { rows } = await rowsOf(raw);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason, hard: false, senderSide: true, findingId, sendingDomain: 'sender.example' });
    expect(rows[0]!.sendingIp).toBe(ip);
  });

  it('a rate limit is temporary, sender-side, not hard', async () => {
    const { rows } = await rowsOf(samples.RATE_LIMITED);
    expect(rows[0]).toMatchObject({ reason: 'speeding', hard: false, senderSide: true, action: 'delayed' });
  });

  it('a null MX domain is hard (notaccept)', async () => {
    const { rows } = await rowsOf(samples.NULL_MX);
    expect(rows[0]).toMatchObject({ reason: 'notaccept', hard: true, senderSide: false });
  });
});

describe('non-standard formats', () => {
  it.each([
    ['postfix', samples.POSTFIX_TEXT, 'nobody@receiver.example', 'userunknown', 'mx1.receiver.example'],
    ['exim', samples.EXIM_TEXT, 'ghost@receiver.example', 'userunknown', 'mx1.receiver.example'],
    ['sendmail', samples.SENDMAIL_TEXT, 'absent@receiver.example', 'userunknown', 'mx1.receiver.example'],
    ['qmail', samples.QMAIL_TEXT, 'lost@nohost.example', 'hostunknown', null],
    ['exchange', samples.EXCHANGE_TEXT, 'missing@contoso.example', 'userunknown', 'bn8pr00mb0000.namprd00.prod.outlook.example'],
    ['exchange', samples.OFFICE365_TEXT, 'left@contoso.example', 'userunknown', 'dm6pr00mb0000.prod.outlook.example'],
    ['gmail', samples.GMAIL_TEXT, 'nothere@receiver.example', 'userunknown', null],
    ['gmail', samples.GMAIL_OLD_TEXT, 'oldstyle@receiver.example', 'userunknown', 'mx.receiver.example'],
    ['yahoo', samples.YAHOO_TEXT, 'reader@yahoo.example', 'blocked', null],
    ['amazonses', samples.SES_JSON, 'bounce@receiver.example', 'userunknown', null],
    ['courier', samples.COURIER_TEXT, 'vanished@receiver.example', 'userunknown', 'mx1.receiver.example'],
    ['domino', samples.DOMINO_TEXT, 'former@domino.example', 'userunknown', null],
  ])('%s', async (format, raw, recipient, reason, remoteMta) => {
    const { message, rows } = await rowsOf(raw);
    expect(message.kind).toBe('bounce');
    expect(message.format).toBe(format);
    expect(rows.map((row) => [row.recipient, row.reason, row.remoteMta])).toEqual([[recipient, reason, remoteMta]]);
  });
});

describe('not bounces', () => {
  it.each([
    ['an auto-reply (RFC 3834)', 'autoreply', samples.AUTO_REPLY],
    ['an ARF complaint (RFC 5965)', 'feedback', samples.ARF_COMPLAINT],
    ['an ordinary message', 'other', samples.NOT_A_BOUNCE],
  ])('%s is %s, with no rows', async (_name, kind, raw) => {
    const { message, rows } = await rowsOf(raw);
    expect(message.kind).toBe(kind);
    expect(rows).toEqual([]);
  });

  it.each([
    ['=?UTF-8?Q?R=C3=A9ponse_automatique?= : December news'],
    ['Reponse automatique: December news'],
  ])('an auto-reply named by its subject alone (%s)', async (subject) => {
    const raw = `From: away@receiver.example\nTo: news@sender.example\nSubject: ${subject}\n\nAbsent.\n`;
    expect((await rowsOf(raw)).message.kind).toBe('autoreply');
  });

  it('reads the complaint type and source IP', async () => {
    const { message } = await rowsOf(samples.ARF_COMPLAINT);
    expect(message).toMatchObject({ feedbackType: 'abuse', sourceIp: '192.0.2.25', sendingDomain: 'sender.example' });
  });
});

describe('reason taxonomy', () => {
  it.each([
    [{ status: '5.1.1' }, 'userunknown', true],
    [{ status: '4.1.1' }, 'userunknown', false],
    [{ status: '5.1.2' }, 'hostunknown', true],
    [{ status: '5.1.6' }, 'hasmoved', true],
    [{ status: '5.2.2' }, 'mailboxfull', false],
    [{ status: '5.3.4' }, 'mesgtoobig', false],
    [{ status: '4.4.7' }, 'expired', false],
    [{ status: '5.7.1', diagnostic: '554 5.7.1 Message rejected as spam' }, 'spamdetected', false],
    [{ status: '5.7.1', diagnostic: '550 5.7.1 Relaying denied' }, 'norelaying', false],
    [{ status: '5.0.0', diagnostic: '550 5.1.1 user unknown' }, 'userunknown', true],
    [{ diagnostic: '550 Requested action not taken: mailbox unavailable' }, 'userunknown', true],
    [{ status: '5.7.27' }, 'authfailure', false],
    [{ status: '4.7.23' }, 'requireptr', false],
    [{ diagnostic: 'x', diagnosticType: 'x-unix' }, 'mailererror', false],
    [{}, 'undefined', false],
  ])('%j → %s (hard %s)', (input, reason, hard) => {
    const result = classifyReason(input);
    expect([result.reason, result.hard]).toEqual([reason, hard]);
  });
});

describe('reading mbox, Maildir and stdin', () => {
  it('splits an mbox and undoes >From escaping', async () => {
    const withFromLine = samples.NOT_A_BOUNCE.replace('Lunch at noon?', 'From the kitchen: lunch at noon?\n>From here on');
    const raw = samples.mbox([samples.RFC3464_MIXED, withFromLine, samples.QMAIL_TEXT]);
    const chunks = [Buffer.from(raw.slice(0, 1000)), Buffer.from(raw.slice(1000, 1001)), Buffer.from(raw.slice(1001))];
    const messages = [];
    for await (const item of readStream(chunks, 'box.mbox')) messages.push(item);
    expect(messages.map((item) => item.file)).toEqual(['box.mbox#1', 'box.mbox#2', 'box.mbox#3']);
    const second = 'raw' in messages[1]! ? messages[1].raw.toString('latin1') : '';
    expect(second).toContain('\nFrom the kitchen: lunch at noon?\n>From here on\n');
    expect(second.endsWith('\n\n')).toBe(false);
  });
});

describe('reading: line ends and size bounds', () => {
  it('splits an mbox written with CRLF line ends', async () => {
    const raw = samples.mbox([samples.POSTFIX_TEXT, samples.QMAIL_TEXT]).replace(/\n/g, '\r\n');
    const messages = [];
    for await (const item of readStream([Buffer.from(raw)], 'crlf.mbox')) messages.push(item);
    expect(messages.map((item) => item.file)).toEqual(['crlf.mbox#1', 'crlf.mbox#2']);
    const rows = await rowsOf(('raw' in messages[1]! ? messages[1].raw : Buffer.alloc(0)).toString('latin1'));
    expect(rows.rows.map((row) => [row.recipient, row.reason])).toEqual([['lost@nohost.example', 'hostunknown']]);
  });

  it('skips a message larger than the bound with an error entry and goes on with the next', async () => {
    const big = `Subject: big\n\n${'x'.repeat(1023)}\n`;
    async function* chunks() {
      yield Buffer.from(`From a Fri Dec  4 09:30:00 2026\n${big}`);
      for (let i = 0; i < 17 * 1024; i++) yield Buffer.from(`${'x'.repeat(1023)}\n`);
      yield Buffer.from(`\nFrom b Fri Dec  4 09:30:00 2026\n${samples.POSTFIX_TEXT}`);
    }
    const messages = [];
    for await (const item of readStream(chunks(), 'big.mbox')) messages.push(item);
    expect(messages.map((item) => ('error' in item ? `error ${item.file}` : item.file))).toEqual(['error big.mbox#1', 'big.mbox#2']);
  });
});

describe('mailcheck bounces (CLI)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-bounces-'));

  it('reads folders, Maildir and mbox files; counts non-bounces; writes JSON valid against the schema and --suppress', async () => {
    const maildir = path.join(dir, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(maildir, sub), { recursive: true });
    writeFileSync(path.join(maildir, 'cur', '1.eml:2,S'), samples.RFC3464_MIXED);
    writeFileSync(path.join(maildir, 'new', '2.eml'), samples.AUTO_REPLY);
    writeFileSync(path.join(maildir, 'maildirsize'), '0S,0C\n');
    const box = path.join(dir, 'more.mbox');
    writeFileSync(box, samples.mbox([samples.EXIM_TEXT, samples.ARF_COMPLAINT, samples.NOT_A_BOUNCE, samples.GMAIL_UNAUTHENTICATED]));
    const suppress = path.join(dir, 'suppress.csv');
    const { code, stdout, stderr } = await runCli(['bounces', maildir, box, '--format', 'json', '--suppress', suppress]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    const validate = new Ajv2020.default({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(path.join(ROOT, 'schema', 'bounces.schema.json'), 'utf8')));
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    expect(result.messages).toEqual({ total: 6, bounces: 3, delivered: 0, autoReplies: 1, feedback: 1, other: 1 });
    expect(result.bounces.map((row: { recipient: string; hard: boolean }) => [row.recipient, row.hard])).toEqual([
      ['gone@receiver.example', true],
      ['full@receiver.example', false],
      ['local@sender.example', false],
      ['ghost@receiver.example', true],
      ['friend@gmail.example', false],
    ]);
    expect(result.bounces[3].file).toBe(`${box}#1`);
    expect(result.senders).toEqual([
      expect.objectContaining({ sendingDomain: 'sender.example', ips: ['192.0.2.25'], reasons: { authfailure: 1 }, checks: ['spf', 'dkim', 'dmarc'] }),
    ]);
    expect(result.complaints).toEqual([{ file: `${box}#2`, feedbackType: 'abuse', sourceIp: '192.0.2.25', sendingDomain: 'sender.example' }]);
    expect(result.summary).toMatchObject({ recipients: 5, hard: 2, soft: 3, suppressed: 2 });
    const lines = readFileSync(suppress, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('address,reason,status,date,file');
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 4))).toEqual([
      ['gone@receiver.example', 'userunknown', '5.1.1', '2026-12-04'],
      ['ghost@receiver.example', 'userunknown', '5.1.1', expect.stringMatching(/^\d{4}-\d\d-\d\d$/)],
    ]);
  }, 60_000);

  it('reads stdin and exits 0 when nothing is the sender\'s to fix', async () => {
    const { code, stdout } = await runCli(['bounces', '-', '--format', 'ndjson'], { input: samples.POSTFIX_TEXT });
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ recipient: 'nobody@receiver.example', reason: 'userunknown', hard: true, format: 'postfix' });
    expect(lines[1].summary).toMatchObject({ recipients: 1, hard: 1 });
  }, 60_000);

  it('escapes control characters from the message in the text report', async () => {
    const evil = samples.POSTFIX_TEXT.replace('User unknown', 'User \u001b[2Junknown');
    const { stdout } = await runCli(['bounces', '-', '--no-color'], { input: evil });
    expect(stdout).toContain('\\u{1b}[2Junknown');
    expect(stdout).not.toContain('\u001b');
  }, 60_000);

  it('reports an unreadable path as an error, not a crash (exit 3)', async () => {
    const { code, stdout } = await runCli(['bounces', path.join(dir, 'missing'), '--format', 'json']);
    expect(code).toBe(3);
    expect(JSON.parse(stdout).errors).toEqual([{ file: path.join(dir, 'missing'), message: 'cannot read (ENOENT)' }]);
  }, 60_000);

  it('refuses a format it does not print with one line and exit 2', async () => {
    const { code, stderr } = await runCli(['bounces', dir, '--format', 'sarif']);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});

describe('mailcheck bounces --audit (fixture DNS)', () => {
  const fixture = useFixture('bounces-sender');

  it('runs spf, dkim and dmarc for the sending domain and shows their findings', async () => {
    const { code, stdout, stderr } = await runCli(
      ['bounces', '-', '--audit', '--format', 'json', '--resolver', fixture.server.server, '--timeout', '1500', '--retries', '1'],
      { input: samples.GMAIL_UNAUTHENTICATED },
    );
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const [sender] = JSON.parse(stdout).senders;
    expect(sender).toMatchObject({ sendingDomain: 'sender.example', ips: ['192.0.2.25'], checks: ['spf', 'dkim', 'dmarc'] });
    const ids = sender.audit.findings.map((finding: { id: string }) => finding.id);
    expect(ids).toEqual(expect.arrayContaining(['spf/missing', 'dmarc/missing', 'dkim/not-found']));
    expect(sender.audit.inconclusive).toEqual([]);
    expect(sender.audit.findings.find((finding: { id: string }) => finding.id === 'spf/missing').fix.records[0]).toMatchObject({
      action: 'add',
      name: 'sender.example',
      type: 'TXT',
    });
  }, 120_000);
});

describe('schema/bounces.schema.json', () => {
  it('equals the schema generated from src/bounces/schema.ts (run `npm run schema` after changing it)', () => {
    expect(readFileSync(path.join(ROOT, 'schema', 'bounces.schema.json'), 'utf8')).toBe(`${JSON.stringify(bouncesJsonSchema(), null, 2)}\n`);
  });
});

describe('README: mailcheck bounces', () => {
  const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const rows = README.split('\n').filter((line) => line.startsWith('| `'));

  it.each(BOUNCE_REASONS.map((reason) => [reason]))('documents the reason %s with hard and sender-side as the code has them', (reason) => {
    const row = rows.find((line) => line.startsWith(`| \`${reason}\` |`));
    expect(row, reason).toBeDefined();
    const cells = row!.split('|').map((cell) => cell.trim());
    expect(cells[2], `${reason} hard`).toBe(HARD_REASONS.has(reason) ? 'yes' : 'no');
    expect(cells[3], `${reason} sender-side`).toBe(SENDER_REASONS.has(reason) ? 'yes' : 'no');
  });

  it('documents every long option that `mailcheck bounces --help` prints', async () => {
    const { code, stdout } = await runCli(['bounces', '--help']);
    expect(code).toBe(0);
    const options = [...stdout.matchAll(/^\s{2}(?:-\w, )?(--[a-z][a-z0-9-]*)/gm)].map((match) => match[1]!);
    expect(options).toEqual(expect.arrayContaining(['--suppress', '--audit']));
    expect(options.filter((option) => !README.includes(`\`${option}`))).toEqual([]);
  }, 60_000);

  it('names only finding ids that exist in the catalogue', () => {
    const known = new Set(CHECKS.flatMap((check) => Object.keys(check.findings)));
    const named = new Set(bounceRuleFindingIds());
    expect([...named].filter((id) => !known.has(id))).toEqual([]);
  });
});
