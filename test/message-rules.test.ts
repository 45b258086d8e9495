/**
 * The pure parts of `mailcheck message`: reading and normalising input,
 * the header section, the envelope from Received/Return-Path, and the
 * format and unsubscribe rules, on data without any server.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/domain.js';
import { fromAddresses, messageScore } from '../src/commands/message.js';
import { parseDkimTags } from '../src/message/authenticate.js';
import { parseReceived, resolveEnvelope, returnPathAddress } from '../src/message/envelope.js';
import { parseHeaderSection } from '../src/message/headers.js';
import { prepareMessage } from '../src/message/read.js';
import { judgeFormat, judgeUnsubscribe, requirementsOf, type JudgeInput } from '../src/message/rules.js';
import type { DkimSignatureResult } from '../src/message/schema.js';
import { escapeTerminal } from '../src/message/text.js';
import { findUnsubscribeLink } from '../src/message/body.js';
import { baseHeaders, buildMessage } from './helpers/messages.js';

const prepare = (text: string | Buffer) => prepareMessage('m.eml', Buffer.isBuffer(text) ? text : Buffer.from(text));

function judgeInput(message: string, dkim: Partial<DkimSignatureResult>[] = []): JudgeInput {
  const section = parseHeaderSection(prepare(message).data);
  const from = section.fields.filter((field) => field.key === 'from').map((field) => field.value);
  return {
    section,
    fromAddresses: fromAddresses(from),
    authentication: {
      spf: { result: 'pass', identity: 'mailfrom', domain: 'example.test', ip: '192.0.2.10' },
      dkim: dkim as DkimSignatureResult[],
      dmarc: { result: 'pass', domain: 'example.test', policy: 'reject', disposition: 'none', alignment: { spf: 'pass', dkim: 'pass' } },
      arc: { result: 'none', instances: 0 },
    },
    unsubscribeLink: true,
    tls: true,
    tlsEvidence: null,
  };
}

const ids = (findings: { id: string }[]) => findings.map((finding) => finding.id).sort();
const passingSignature = (headers: string[]): Partial<DkimSignatureResult> => ({ domain: 'example.test', selector: 's1', result: 'pass', headers });

describe('reading a message', () => {
  it('keeps CRLF, converts LF and mixed endings to CRLF, and removes an mbox From line', () => {
    const crlf = buildMessage();
    expect(prepare(crlf).source).toMatchObject({ lineEndings: 'crlf', mboxFromLine: false });
    expect(prepare(crlf).data.toString()).toBe(crlf);
    const lf = prepare(crlf.replace(/\r\n/g, '\n'));
    expect(lf.source.lineEndings).toBe('lf');
    expect(lf.data.toString()).toBe(crlf);
    const mbox = prepare(`From news@example.test Sun Dec  6 09:00:00 2026\n${crlf.replace(/\r\n/g, '\n')}`);
    expect(mbox.source).toMatchObject({ lineEndings: 'lf', mboxFromLine: true });
    expect(mbox.data.toString()).toBe(crlf);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), /is empty/],
    ['a binary file', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]), /binary file/],
    ['text that is not a message', Buffer.from('Dear friend,\nthis is a letter.\n'), /does not start with a header field/],
    ['only an mbox From line', Buffer.from('From someone Sun Dec  6 09:00:00 2026'), /only an mbox/],
    ['a header section over 1 MiB', Buffer.from(`Subject: x\r\n${'X-Filler: yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\r\n'.repeat(30_000)}`), /header section larger than 1 MiB/],
  ])('refuses %s with an InputError', (_name, data, message) => {
    expect(() => prepare(data)).toThrow(InputError);
    expect(() => prepare(data)).toThrow(message);
  });
});

describe('the header section', () => {
  it('unfolds fields and measures lines', () => {
    const message = buildMessage({ headers: [...baseHeaders(), ['X-Folded', 'one\r\n two']], body: `${'a'.repeat(1200)}\r\n` });
    const section = parseHeaderSection(prepare(message).data);
    expect(section.fields.find((field) => field.key === 'x-folded')?.value).toBe('one two');
    expect(section.longestLine).toBe(1200);
    // The base fields, the folded field's two lines, the empty line, then the body's first line.
    expect(section.longLineNumber).toBe(baseHeaders().length + 4);
  });

  it('reads DKIM-Signature tags, h= lower case with folding removed', () => {
    expect(parseDkimTags('v=1; a=rsa-sha256; d=Example.test; s=s1;\r\n h=From : To:\r\n List-Unsubscribe; l=20; b=ab\r\n cd').headers).toEqual([
      'from',
      'to',
      'list-unsubscribe',
    ]);
    expect(parseDkimTags('b=ab\r\n cd; bh=x').tags.b).toBe('abcd');
  });
});

describe('the envelope', () => {
  it('reads IP, HELO and TLS from a Received field', () => {
    expect(
      parseReceived('from mail.example.test (mail.example.test [192.0.2.10]) by mx.receiver.test with ESMTPS id x (version=TLS1_3 cipher=X); Sun, 6 Dec 2026', 1),
    ).toMatchObject({ helo: 'mail.example.test', ip: '192.0.2.10', by: 'mx.receiver.test', protocol: 'ESMTPS', tls: true, tlsVersion: 'TLS1_3' });
    expect(parseReceived('from a.test ([IPv6:2001:db8::5]) by mx.test with ESMTP id y; Sun, 6 Dec 2026', 1)).toMatchObject({
      ip: '2001:db8::5',
      protocol: 'ESMTP',
      tls: false,
    });
  });

  it('skips hops without a public client address and takes MAIL FROM from Return-Path', () => {
    const fields = parseHeaderSection(
      prepare(
        buildMessage({
          headers: [
            ['Received', 'by 10.0.0.1 with SMTP id z; Sun, 6 Dec 2026'],
            ['Received', 'from internal (internal [10.1.2.3]) by relay.receiver.test with ESMTP; Sun, 6 Dec 2026'],
            ['Received', 'from out.example.test (out.example.test [198.51.100.7]) by relay.receiver.test with ESMTPSA; Sun, 6 Dec 2026'],
            ['Return-Path', '<>'],
            ['From', 'a@example.test'],
          ],
        }),
      ).data,
    ).fields;
    const envelope = resolveEnvelope(fields, {});
    expect(envelope).toMatchObject({ ip: '198.51.100.7', ipSource: 'received', helo: 'out.example.test', mailFrom: '', mailFromSource: 'return-path' });
    expect(envelope.hop?.tls).toBe(true);
    expect(resolveEnvelope(fields, { ip: '192.0.2.1', mailFrom: 'x@y.test' })).toMatchObject({ ip: '192.0.2.1', ipSource: 'option', mailFromSource: 'option' });
    expect(returnPathAddress('<bounce@example.test>')).toBe('bounce@example.test');
    expect(returnPathAddress('not an address')).toBeNull();
  });
});

describe('format rules (RFC 5322 §3.6)', () => {
  it('a well-formed message has no format finding', () => {
    expect(ids(judgeFormat(judgeInput(buildMessage())))).toEqual([]);
  });

  it.each([
    ['two From fields', baseHeaders().concat([['From', 'other@example.test']]), ['message/from-invalid']],
    ['two addresses in From', baseHeaders({ From: 'a@example.test, b@example.test' }), ['message/from-invalid']],
    ['no From', baseHeaders({ From: null }), ['message/from-invalid']],
    ['no Message-ID', baseHeaders({ 'Message-ID': null }), ['message/message-id-missing']],
    ['a Message-ID without @', baseHeaders({ 'Message-ID': '<no-at-sign>' }), ['message/message-id-invalid']],
    ['no Date', baseHeaders({ Date: null }), ['message/date-missing']],
    ['a Date that does not parse', baseHeaders({ Date: 'yesterday' }), ['message/date-invalid']],
    ['two Subjects', baseHeaders().concat([['Subject', 'again']]), ['message/duplicate-header']],
    ['a Feedback-ID with spaces', baseHeaders({ 'Feedback-ID': 'a b:c' }), ['message/feedback-id-invalid']],
  ])('%s', (_name, headers, expected) => {
    expect(ids(judgeFormat(judgeInput(buildMessage({ headers }))))).toEqual(expected);
  });

  it('a line over 998 octets and a header line that is not a field', () => {
    const message = `${buildMessage().split('\r\n\r\n')[0]}\r\nnot a field\r\n\r\n${'x'.repeat(1000)}\r\n`;
    expect(ids(judgeFormat(judgeInput(message)))).toEqual(['message/line-too-long', 'message/malformed-header']);
  });
});

describe('unsubscribe rules (RFC 8058)', () => {
  const both = ['from', 'list-unsubscribe', 'list-unsubscribe-post'];
  it('one-click signed by a passing signature: no finding', () => {
    expect(ids(judgeUnsubscribe(judgeInput(buildMessage(), [passingSignature(both)])))).toEqual([]);
  });
  it('one-click present but List-Unsubscribe-Post not signed', () => {
    expect(ids(judgeUnsubscribe(judgeInput(buildMessage(), [passingSignature(['from', 'list-unsubscribe'])])))).toEqual(['message/one-click-unsigned']);
  });
  it('signed only by a failing signature', () => {
    expect(ids(judgeUnsubscribe(judgeInput(buildMessage(), [{ ...passingSignature(both), result: 'fail' }])))).toEqual(['message/one-click-unsigned']);
  });
  it('no https URI, or no List-Unsubscribe-Post', () => {
    const mailtoOnly = baseHeaders({ 'List-Unsubscribe': '<mailto:u@example.test>' });
    expect(ids(judgeUnsubscribe(judgeInput(buildMessage({ headers: mailtoOnly }), [passingSignature(both)])))).toEqual(['message/one-click-missing']);
    const noPost = baseHeaders({ 'List-Unsubscribe-Post': null });
    expect(ids(judgeUnsubscribe(judgeInput(buildMessage({ headers: noPost }), [passingSignature(both)])))).toEqual(['message/one-click-missing']);
    const wrongPost = baseHeaders({ 'List-Unsubscribe-Post': 'One-Click' });
    expect(ids(judgeUnsubscribe(judgeInput(buildMessage({ headers: wrongPost }), [passingSignature(both)])))).toEqual(['message/one-click-missing']);
  });
  it('no List-Unsubscribe at all; the requirement is then fail', () => {
    const input = judgeInput(buildMessage({ headers: baseHeaders({ 'List-Unsubscribe': null, 'List-Unsubscribe-Post': null }) }));
    const findings = judgeUnsubscribe(input);
    expect(ids(findings)).toEqual(['message/list-unsubscribe-missing']);
    expect(requirementsOf(input, findings).oneClickUnsubscribe).toBe('fail');
  });
  it('no visible link in the body', () => {
    const input = { ...judgeInput(buildMessage(), [passingSignature(both)]), unsubscribeLink: false };
    expect(ids(judgeUnsubscribe(input))).toEqual(['message/unsubscribe-link-missing']);
  });
});

describe('score and escaping', () => {
  it('a message without findings scores 100; a high finding caps it at 79', () => {
    expect(messageScore([], true)).toEqual({ value: 100, grade: 'A+', complete: true, verified: true });
    const high = { id: 'message/one-click-unsigned', severity: 'high' as const, title: '', message: '', evidence: [] };
    expect(messageScore([high], true).value).toBeLessThanOrEqual(79);
  });
  it('escapes control characters and bidirectional overrides', () => {
    expect(escapeTerminal('a\x1b[31mb\u202ec\r')).toBe('a\\u{1b}[31mb\\u{202e}c\\u{d}');
  });
});

describe('the visible unsubscribe link', () => {
  const list = '<https://example.test/u/1>, <mailto:u@example.test>';
  const html = (body: string, encoding: 'base64' | '7bit' = '7bit') =>
    Buffer.from(
      buildMessage({
        headers: baseHeaders({ 'Content-Type': 'text/html; charset=utf-8', 'Content-Transfer-Encoding': encoding }),
        body: encoding === 'base64' ? `${Buffer.from(body).toString('base64')}\r\n` : body,
      }),
    );
  it('finds a link named unsubscribe in base64-encoded HTML', async () => {
    expect(await findUnsubscribeLink(html('<p>Bye? <a href="https://example.test/prefs">Unsubscribe</a></p>', 'base64'), list)).toBe(true);
  });
  it.each(['Se désabonner', 'Se desabonner', 'Me désinscrire'])('finds a link named %s (French, with or without the accent)', async (name) => {
    expect(await findUnsubscribeLink(html(`<p><a href="https://example.test/prefs">${name}</a></p>`, 'base64'), list)).toBe(true);
  });
  it('finds the List-Unsubscribe URI in the body', async () => {
    expect(await findUnsubscribeLink(html('<a href="https://example.test/u/1">here</a>'), list)).toBe(true);
  });
  it('no such link', async () => {
    expect(await findUnsubscribeLink(html('<p>Hello <a href="https://example.test/shop">shop</a></p>'), list)).toBe(false);
  });
});
