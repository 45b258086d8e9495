/**
 * `mailcheck message` authentication: messages signed here with mailauth,
 * keys and policies served by the fixture DNS server, verified through the
 * real resolver: SPF, DKIM, DMARC alignment and the links to DNS fixes.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FixtureZone } from '../src/testing/fixture-server.js';
import { auditMessage } from '../src/commands/message.js';
import { prepareMessage } from '../src/message/read.js';
import type { MessageResult } from '../src/message/schema.js';
import { messageResultSchema } from '../src/message/schema.js';
import { useFixture } from './helpers/context.js';
import { baseHeaders, buildMessage, makeKeys, messageZone, seal, sign } from './helpers/messages.js';

const keys = makeKeys();
const fixture = useFixture(messageZone(keys), { timeoutMs: 5000, retries: 2 });
const OPTIONS = { noBlocklists: ['all'] };
const TIMEOUT = 60_000;

async function audit(message: string, input: { ip?: string; mailFrom?: string; helo?: string; now?: Date } = {}): Promise<MessageResult> {
  const result = await auditMessage(prepareMessage('test.eml', Buffer.from(message)), input, OPTIONS, fixture.freshDns({ timeoutMs: 5000, retries: 2 }));
  // Every result matches its published schema.
  messageResultSchema.parse(result);
  return result;
}

const ids = (result: MessageResult) => result.findings.map((finding) => finding.id).sort();
const signMain = (message: string, extra: Partial<Parameters<typeof sign>[1]> = {}) =>
  sign(message, { domain: 'example.test', selector: 's1', key: keys.main, ...extra });

describe('message authentication', () => {
  it('passes SPF, DKIM and DMARC for a well-formed signed message', { timeout: TIMEOUT }, async () => {
    const result = await audit(await signMain(buildMessage()));
    expect(result.message).toMatchObject({
      from: 'news@example.test',
      mailFrom: 'bounce@example.test',
      mailFromSource: 'return-path',
      ip: '192.0.2.10',
      ipSource: 'received',
      subject: 'Weekly news',
      messageId: '<m1.20261206@example.test>',
      tls: true,
    });
    expect(result.authentication.spf).toMatchObject({ result: 'pass', domain: 'example.test', ip: '192.0.2.10' });
    expect(result.authentication.dkim).toHaveLength(1);
    expect(result.authentication.dkim[0]).toMatchObject({
      domain: 'example.test',
      selector: 's1',
      algorithm: 'rsa-sha256',
      bits: 2048,
      result: 'pass',
      bodyHash: 'pass',
      signature: 'pass',
      aligned: true,
    });
    expect(result.authentication.dkim[0]!.headers).toEqual(expect.arrayContaining(['from', 'list-unsubscribe', 'list-unsubscribe-post']));
    expect(result.authentication.dmarc).toMatchObject({ result: 'pass', policy: 'reject', disposition: 'none', alignment: { spf: 'pass', dkim: 'pass' } });
    expect(result.authentication.arc.result).toBe('none');
    expect(ids(result)).toEqual([]);
    expect(result.requirements).toEqual({
      spf: 'pass',
      dkim: 'pass',
      dmarc: 'pass',
      alignment: 'pass',
      dmarcPolicy: 'pass',
      oneClickUnsubscribe: 'pass',
      format: 'pass',
      tls: 'pass',
      // 192.0.2.10 → mail.example.test → 192.0.2.10 in the fixture zone.
      reverseDns: 'pass',
    });
    // The DNS side ran with the selector the message used, and nothing else.
    const example = result.dns.domains.find((entry) => entry.domain === 'example.test')!;
    expect(example.roles).toEqual(['from', 'mail-from', 'dkim', 'ip']);
    const dkim = example.checks.find((check) => check.id === 'dkim')!;
    expect(dkim.facts.selectorsProbed).toEqual(['s1']);
  });

  it('an ed25519 signature (RFC 8463) passes', { timeout: TIMEOUT }, async () => {
    const result = await audit(await sign(buildMessage(), { domain: 'example.test', selector: 'ed', key: keys.ed, algorithm: 'ed25519-sha256' }));
    expect(result.authentication.dkim[0]).toMatchObject({ algorithm: 'ed25519-sha256', keyType: 'ed25519', result: 'pass' });
  });

  it('a body changed after signing: body hash fails, DKIM neutral, and DMARC fails without SPF', { timeout: TIMEOUT }, async () => {
    const signed = await signMain(buildMessage());
    const result = await audit(`${signed}Appended by a gateway.\r\n`, { ip: '203.0.113.5' });
    expect(result.authentication.dkim[0]).toMatchObject({ result: 'neutral', bodyHash: 'fail', signature: 'not-checked' });
    expect(result.authentication.spf.result).toBe('fail');
    expect(result.authentication.dmarc).toMatchObject({ result: 'fail', disposition: 'reject' });
    expect(ids(result)).toEqual(['message/dkim-fail', 'message/dmarc-fail', 'message/one-click-unsigned', 'message/spf-fail']);
    expect(result.findings.find((finding) => finding.id === 'message/dmarc-fail')!.severity).toBe('critical');
    expect(result.findings.find((finding) => finding.id === 'message/dkim-fail')!.fix?.summary).toBe('Sign after the last change to the body');
  });

  it('a signed header changed: the signature fails, the body hash passes', { timeout: TIMEOUT }, async () => {
    const signed = await signMain(buildMessage());
    const result = await audit(signed.replace('Subject: Weekly news', 'Subject: Weekly news!!'));
    expect(result.authentication.dkim[0]).toMatchObject({ result: 'fail', bodyHash: 'pass', signature: 'fail' });
    // SPF still passes and is aligned: DMARC passes.
    expect(result.authentication.dmarc.result).toBe('pass');
    expect(ids(result)).toEqual(['message/dkim-fail', 'message/one-click-unsigned']);
  });

  it('a rotated key: the fix replaces the published key record at the selector', { timeout: TIMEOUT }, async () => {
    const result = await audit(await sign(buildMessage(), { domain: 'example.test', selector: 'rot', key: keys.main }));
    expect(result.authentication.dkim[0]).toMatchObject({ selector: 'rot', result: 'fail', bodyHash: 'pass', signature: 'fail' });
    const finding = result.findings.find((candidate) => candidate.id === 'message/dkim-fail')!;
    expect(finding.related).toEqual([{ domain: 'example.test', checkId: 'dkim' }]);
    expect(finding.fix?.records).toEqual([
      {
        action: 'replace',
        name: 'rot._domainkey.example.test',
        type: 'TXT',
        value: 'v=DKIM1; k=rsa; p=<PUBLIC-KEY-BASE64>',
        current: keys.rotatedPublished.record,
      },
    ]);
  });

  it('a selector with no key: linked to dkim/not-found and a key to publish', { timeout: TIMEOUT }, async () => {
    const result = await audit(await sign(buildMessage(), { domain: 'example.test', selector: 'gone', key: keys.main }));
    expect(result.authentication.dkim[0]).toMatchObject({ result: 'neutral', comment: 'no key' });
    const finding = result.findings.find((candidate) => candidate.id === 'message/dkim-fail')!;
    expect(finding.related).toEqual([{ domain: 'example.test', checkId: 'dkim', findingId: 'dkim/not-found' }]);
    expect(finding.fix?.records).toEqual([
      { action: 'add', name: 'gone._domainkey.example.test', type: 'TXT', value: 'v=DKIM1; k=rsa; p=<PUBLIC-KEY-BASE64>' },
    ]);
  });

  it('l= signs part of the body; content appended after it is reported high', { timeout: TIMEOUT }, async () => {
    const signed = await signMain(buildMessage(), { maxBodyLength: 20 });
    const clean = await audit(signed);
    expect(clean.authentication.dkim[0]).toMatchObject({ result: 'pass', bodyLength: 20 });
    const appended = await audit(`${signed}Extra unsigned text.\r\n`);
    expect(appended.authentication.dkim[0]!.result).toBe('pass');
    const finding = appended.findings.find((candidate) => candidate.id === 'message/dkim-body-length')!;
    expect(finding.severity).toBe('high');
  });

  it('an expired x= is reported as expired', { timeout: TIMEOUT }, async () => {
    const signed = await signMain(buildMessage(), { signTime: new Date('2026-01-01T00:00:00Z'), expires: new Date('2026-01-02T00:00:00Z') });
    const result = await audit(signed, { now: new Date('2026-12-06T10:00:00Z') });
    expect(result.authentication.dkim[0]).toMatchObject({ result: 'neutral', expired: true });
    expect(ids(result)).toContain('message/dkim-expired');
  });

  it('an unaligned d= passes DKIM but not DMARC when SPF fails', { timeout: TIMEOUT }, async () => {
    const signed = await sign(buildMessage(), { domain: 'other.test', selector: 's1', key: keys.main });
    const result = await audit(signed, { ip: '203.0.113.5' });
    expect(result.authentication.dkim[0]).toMatchObject({ domain: 'other.test', result: 'pass', aligned: false });
    expect(result.authentication.dmarc).toMatchObject({ result: 'fail', alignment: { spf: 'none', dkim: 'fail' } });
    expect(ids(result)).toEqual(expect.arrayContaining(['message/dkim-unaligned', 'message/dmarc-fail']));
    const unaligned = result.findings.find((candidate) => candidate.id === 'message/dkim-unaligned')!;
    expect(unaligned.fix?.records?.[0]).toMatchObject({ action: 'add', name: '<SELECTOR>._domainkey.example.test', type: 'TXT' });
  });

  it('strict adkim refuses a parent-domain signature that relaxed accepts', { timeout: TIMEOUT }, async () => {
    const headers = (domain: string) => baseHeaders({ From: `news@mail.${domain}`, 'Return-Path': `<bounce@mail.${domain}>` });
    const strict = await audit(await sign(buildMessage({ headers: headers('strict.test') }), { domain: 'strict.test', selector: 's1', key: keys.main }));
    expect(strict.authentication.dmarc).toMatchObject({
      domain: 'mail.strict.test',
      result: 'fail',
      policy: 'quarantine',
      disposition: 'quarantine',
      mode: { spf: 'strict', dkim: 'strict' },
      alignment: { dkim: 'fail' },
    });
    const relaxed = await audit(await sign(buildMessage({ headers: headers('relaxed.test') }), { domain: 'relaxed.test', selector: 's1', key: keys.main }));
    expect(relaxed.authentication.dmarc).toMatchObject({ domain: 'mail.relaxed.test', result: 'pass', mode: { dkim: 'relaxed' }, alignment: { dkim: 'pass' } });
  });

  it.each([
    ['192.0.2.10', 'example.test', 'pass'],
    ['203.0.113.5', 'example.test', 'fail'],
    ['203.0.113.5', 'soft.test', 'softfail'],
  ])('SPF for --ip %s and MAIL FROM at %s: %s', { timeout: TIMEOUT }, async (ip, domain, expected) => {
    const result = await audit(buildMessage(), { ip, mailFrom: `bounce@${domain}` });
    expect(result.message).toMatchObject({ ip, ipSource: 'option', mailFrom: `bounce@${domain}`, mailFromSource: 'option' });
    expect(result.authentication.spf).toMatchObject({ result: expected, domain, ip });
  });

  it('the null MAIL FROM is checked with the HELO identity, which never aligns for DMARC', { timeout: TIMEOUT }, async () => {
    const result = await audit(await signMain(buildMessage()), { ip: '192.0.2.10', mailFrom: '', helo: 'example.test' });
    expect(result.authentication.spf).toMatchObject({ identity: 'helo', domain: 'example.test', result: 'pass' });
    expect(result.authentication.dmarc).toMatchObject({ result: 'pass', alignment: { spf: 'none', dkim: 'pass' } });
  });

  it('SPF fail is linked to spf/ip-not-authorized and its record', { timeout: TIMEOUT }, async () => {
    const result = await audit(buildMessage(), { ip: '203.0.113.5' });
    const finding = result.findings.find((candidate) => candidate.id === 'message/spf-fail')!;
    expect(finding.related).toEqual([{ domain: 'example.test', checkId: 'spf', findingId: 'spf/ip-not-authorized' }]);
    const record = finding.fix?.records?.find((candidate) => candidate.name === 'example.test' && candidate.type === 'TXT');
    expect(record?.value).toContain('ip4:203.0.113.5');
  });

  it('without a receiver Received field or Return-Path, SPF needs input', { timeout: TIMEOUT }, async () => {
    const result = await audit(await signMain(buildMessage({ headers: baseHeaders({ Received: null, 'Return-Path': null }) })));
    expect(result.message).toMatchObject({ ip: null, ipSource: 'unknown', mailFrom: null, mailFromSource: 'unknown', tls: null });
    expect(result.authentication.spf.result).toBe('needs-input');
    // DKIM alone is aligned: DMARC passes without SPF.
    expect(result.authentication.dmarc.result).toBe('pass');
    expect(result.requirements.spf).toBe('unknown');
    expect(ids(result)).toEqual(['message/spf-unverified']);
  });

  it('no DMARC record: linked to dmarc/missing and its fix', { timeout: TIMEOUT }, async () => {
    const result = await audit(buildMessage({ headers: baseHeaders({ From: 'a@nodmarc.test', 'Return-Path': '<b@nodmarc.test>' }) }));
    expect(result.authentication.dmarc.result).toBe('none');
    const finding = result.findings.find((candidate) => candidate.id === 'message/dmarc-missing')!;
    expect(finding.related).toEqual([{ domain: 'nodmarc.test', checkId: 'dmarc', findingId: 'dmarc/missing' }]);
    expect(finding.fix?.records?.[0]).toMatchObject({ action: 'add', name: '_dmarc.nodmarc.test', type: 'TXT' });
  });

  it('two From fields: DMARC permerror and message/from-invalid', { timeout: TIMEOUT }, async () => {
    const result = await audit(await signMain(buildMessage({ headers: [...baseHeaders(), ['From', 'other@other.test']] })));
    expect(result.authentication.dmarc).toMatchObject({ result: 'permerror', domain: null });
    expect(result.message.fromDomain).toBeNull();
    expect(ids(result)).toContain('message/from-invalid');
    expect(result.requirements.format).toBe('fail');
  });

  it('a flood of signatures is not verified and asks no key', { timeout: TIMEOUT }, async () => {
    const signed = await signMain(buildMessage());
    const signature = signed.slice(0, signed.indexOf('\r\nReceived:') + 2);
    const flood = `${signature.repeat(25)}${signed.slice(signature.length)}`;
    const dns = fixture.freshDns({ timeoutMs: 5000, retries: 2 });
    const result = await auditMessage(prepareMessage('flood.eml', Buffer.from(flood)), {}, OPTIONS, dns);
    expect(result.authentication.dkim).toHaveLength(25);
    expect(new Set(result.authentication.dkim.map((sig) => sig.result))).toEqual(new Set(['permerror']));
    // Only the DNS join asks the key, once, through the cache-sharing resolver.
    expect(dns.log.filter((entry) => entry.name === 's1._domainkey.example.test' && !entry.cached)).toHaveLength(1);
  });

  it('an intact ARC chain passes; a body changed after sealing fails it', { timeout: TIMEOUT }, async () => {
    const sealed = await seal(await signMain(buildMessage()), keys.main);
    const intact = await audit(sealed);
    expect(intact.authentication.arc).toMatchObject({ result: 'pass', instances: 1 });
    const changed = await audit(`${sealed}Footer added later.\r\n`);
    expect(changed.authentication.arc.result).toBe('fail');
    expect(ids(changed)).toContain('message/arc-fail');
  });
});

describe('the RFC 8463 Appendix A message through mailcheck message', () => {
  const DATA = path.resolve(import.meta.dirname, '..', '..', 'shared', 'testdata', 'dkim', 'rfc8463-ed25519');
  const present = ['dns.json', 'signed.eml'].every((file) => existsSync(path.join(DATA, file)));
  if (!present && process.env.CI) throw new Error(`${DATA} is missing: the RFC 8463 DKIM data must be present in CI`);
  const zone: FixtureZone = present
    ? { description: 'RFC 8463 Appendix A keys', zone: JSON.parse(readFileSync(path.join(DATA, 'dns.json'), 'utf8')) }
    : { zone: {} };
  const vectors = useFixture(zone, { timeoutMs: 5000, retries: 2 });

  it.skipIf(!present)('verifies both signatures (ed25519-sha256 and rsa-sha256) at the signing time, from an LF file', { timeout: TIMEOUT }, async () => {
    const raw = prepareMessage('signed.eml', readFileSync(path.join(DATA, 'signed.eml')));
    expect(raw.source.lineEndings).toBe('lf');
    const result = await auditMessage(raw, { now: new Date(1528637909 * 1000) }, OPTIONS, vectors.freshDns({ timeoutMs: 5000, retries: 2 }));
    expect(result.authentication.dkim.map((sig) => [sig.domain, sig.selector, sig.algorithm, sig.keyType, sig.bits, sig.result])).toEqual([
      ['football.example.com', 'brisbane', 'ed25519-sha256', 'ed25519', 256, 'pass'],
      ['football.example.com', 'test', 'rsa-sha256', 'rsa', 1024, 'pass'],
    ]);
    // No DMARC record is published for the example domain.
    expect(result.authentication.dmarc.result).toBe('none');
  });
});
