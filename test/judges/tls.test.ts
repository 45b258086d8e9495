/**
 * The tls judge on facts, no server: every probe state and certificate
 * situation → finding ids, severities, data and the check's status.
 */
import { describe, expect, it } from 'vitest';
import { daysAgoText, daysLeftText, tlsCheck } from '../../src/checks/tls.js';
import type { AddressFacts, SessionFacts, TlsFacts } from '../../src/checks/tls/facts.js';
import { judgeCases, type JudgeCase } from '../helpers/judge.js';

const NOW = '2026-06-01T12:00:00.000Z';

function session(overrides: Partial<SessionFacts> = {}, certificate: Partial<NonNullable<SessionFacts['certificate']>> = {}): SessionFacts {
  return {
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    trusted: true,
    chainTrusted: true,
    hostnameMatch: true,
    certificate: {
      subject: 'CN=mx.example.test',
      issuer: 'CN=Test CA',
      subjectAltNames: ['DNS:mx.example.test'],
      serialNumber: '01',
      validFrom: '2026-01-01T00:00:00.000Z',
      validTo: '2026-12-01T00:00:00.000Z',
      daysToExpiry: 183,
      sha256: 'aa',
      spkiSha256: 'bb',
      selfIssued: false,
      ...certificate,
    },
    chain: [{ subject: 'CN=mx.example.test', issuer: 'CN=Test CA', validTo: certificate.validTo ?? '2026-12-01T00:00:00.000Z' }],
    ...overrides,
  };
}

function probe(state: AddressFacts['state'], extra: Partial<AddressFacts> = {}): AddressFacts {
  return { address: '192.0.2.25', state, starttls: state !== 'starttls-missing', durationMs: 5, transcript: [], ...extra };
}

function facts(...addresses: AddressFacts[]): TlsFacts {
  return {
    domain: 'example.test',
    port: 25,
    probing: 'on',
    mx: { status: 'ok', nullMx: false },
    now: NOW,
    hosts: [{ host: 'mx.example.test', preference: 10, addresses }],
  };
}

const refused = probe('unreachable', { starttls: false, error: { stage: 'connect', code: 'ECONNREFUSED', message: 'TCP connect to 192.0.2.25 port 25 failed: ECONNREFUSED' } });
const silent = probe('unreachable', { starttls: false, error: { stage: 'banner', code: 'ETIMEDOUT', message: 'no reply within 10000 ms' } });

const cases: Array<JudgeCase<TlsFacts>> = [
  { name: 'a good session: nothing to report', facts: facts(probe('tls', { tls: session(), legacyTls: { result: 'refused' } })), ids: [] },
  {
    name: 'EHLO without STARTTLS',
    facts: facts(probe('starttls-missing', { ehlo: ['PIPELINING', '8BITMIME'] })),
    ids: ['tls/starttls-missing'],
    data: { 'tls/starttls-missing': { hosts: ['mx.example.test'] } },
    then: (findings) => expect(findings[0]!.evidence).toEqual(['mx.example.test [192.0.2.25]: EHLO offered PIPELINING, 8BITMIME']),
  },
  {
    name: 'STARTTLS offered and refused with 454: its own finding, not a failed handshake',
    facts: facts(probe('starttls-rejected', { error: { stage: 'starttls', code: '454', message: 'STARTTLS was answered 454' } })),
    ids: ['tls/starttls-refused'],
    then: (findings) => expect(findings[0]!.severity).toBe('high'),
  },
  {
    name: 'a handshake that fails with every protocol',
    facts: facts(probe('handshake-failed', { error: { stage: 'handshake', code: 'EPROTO', message: 'TLS handshake failed' }, legacyTls: { result: 'refused' } })),
    ids: ['tls/handshake-failed'],
    then: (findings) => expect(findings[0]!.message).toContain('EPROTO'),
  },
  {
    name: 'only TLS 1.0 works: outdated-protocol raised to high, the legacy session still examined',
    facts: facts(
      probe('handshake-failed', {
        error: { stage: 'handshake', message: 'TLS handshake failed' },
        legacyTls: { result: 'accepted', protocol: 'TLSv1' },
        legacySession: session({ protocol: 'TLSv1' }, { daysToExpiry: 3, validTo: '2026-06-04T12:00:00.000Z' }),
      }),
    ),
    ids: ['tls/expiring-certificate', 'tls/outdated-protocol'],
    data: { 'tls/outdated-protocol': { legacyOnly: true } },
    then: (findings) => expect(findings.find((f) => f.id === 'tls/outdated-protocol')!.severity).toBe('high'),
  },
  {
    name: 'TLS 1.1 accepted besides 1.3: medium',
    facts: facts(probe('tls', { tls: session(), legacyTls: { result: 'accepted', protocol: 'TLSv1.1' } })),
    ids: ['tls/outdated-protocol'],
    data: { 'tls/outdated-protocol': { legacyOnly: false } },
    then: (findings) => expect(findings[0]!.severity).toBe('medium'),
  },
  {
    name: 'an expired leaf',
    facts: facts(probe('tls', { tls: session({ trusted: false, verifyError: 'CERT_HAS_EXPIRED' }, { validTo: '2026-05-29T00:00:00.000Z', daysToExpiry: -3 }) })),
    ids: ['tls/expired-certificate'],
    then: (findings) => expect(findings[0]!.message).toContain('2026-05-29 00:00 UTC (3 days ago)'),
  },
  {
    name: 'an expired intermediate is named as such',
    facts: facts(
      probe('tls', {
        tls: {
          ...session({ trusted: false, verifyError: 'CERT_HAS_EXPIRED' }),
          chain: [
            { subject: 'CN=mx.example.test', issuer: 'CN=Intermediate', validTo: '2026-12-01T00:00:00.000Z' },
            { subject: 'CN=Intermediate', issuer: 'CN=Root', validTo: '2026-05-01T00:00:00.000Z' },
          ],
        },
      }),
    ),
    ids: ['tls/expired-certificate'],
    then: (findings) => expect(findings[0]!.message).toContain('(CN=Intermediate, in its chain)'),
  },
  {
    name: 'expiring within 14 days',
    facts: facts(probe('tls', { tls: session({}, { daysToExpiry: 5, validTo: '2026-06-06T12:00:00.000Z' }) })),
    ids: ['tls/expiring-certificate'],
    then: (findings) => expect(findings[0]!.message).toContain('in 5 days'),
  },
  {
    name: 'an expired self-signed certificate: untrusted for being self-signed, not for the expiry code',
    facts: facts(
      probe('tls', {
        tls: session(
          { trusted: false, chainTrusted: false, verifyError: 'CERT_HAS_EXPIRED', hostnameMatch: false },
          { subject: 'CN=localhost', issuer: 'CN=localhost', selfIssued: true, subjectAltNames: [], validTo: '2025-01-01T00:00:00.000Z', daysToExpiry: -500 },
        ),
      }),
    ),
    ids: ['tls/expired-certificate', 'tls/untrusted-certificate', 'tls/hostname-mismatch'],
    then: (findings) => {
      const untrusted = findings.find((f) => f.id === 'tls/untrusted-certificate')!;
      expect([untrusted.message, ...untrusted.evidence].join('\n')).not.toContain('CERT_HAS_EXPIRED');
      expect(untrusted.message).toContain('CN=localhost');
    },
  },
  {
    name: 'not valid yet: untrusted with the date',
    facts: facts(probe('tls', { tls: session({ trusted: false, verifyError: 'CERT_NOT_YET_VALID' }, { validFrom: '2026-07-01T00:00:00.000Z' }) })),
    ids: ['tls/untrusted-certificate'],
    then: (findings) => expect(findings[0]!.message).toContain('not valid before 2026-07-01 00:00 UTC'),
  },
  {
    name: 'a certificate for another name: the names it lists in the message',
    facts: facts(probe('tls', { tls: session({ hostnameMatch: false }, { subjectAltNames: ['DNS:other.example.test'] }) })),
    ids: ['tls/hostname-mismatch'],
    then: (findings) => expect(findings[0]!.message).toContain('DNS:other.example.test'),
  },
  {
    name: 'every address refuses: connection-refused (high), no unreachable',
    facts: facts(refused),
    ids: ['tls/connection-refused'],
    data: { 'tls/connection-refused': { port: 25, addresses: 1, domain: 'example.test' } },
  },
  { name: 'refused and silent: inconclusive (a timeout is no answer)', facts: facts(refused, silent), ids: ['tls/unreachable'], inconclusive: 'timed out' },
  {
    name: 'the port probed is named, not port 25',
    facts: { ...facts(silent), port: 2525 },
    ids: ['tls/unreachable'],
    inconclusive: 'port 2525',
    data: { 'tls/unreachable': { addresses: 1, port: 2525 } },
  },
  { name: 'one good address, one unreachable: the good one decides', facts: facts(probe('tls', { tls: session() }), refused), ids: ['tls/unreachable'] },
  {
    name: 'a 554 greeting: the session is refused, the check concludes',
    facts: facts(probe('session-refused', { starttls: false, error: { stage: 'banner', code: '554', message: 'greeting was 554, not 220' } }), silent),
    ids: ['tls/session-refused', 'tls/unreachable'],
  },
  {
    name: 'garbage instead of a reply',
    facts: facts(probe('malformed-reply', { starttls: false, error: { stage: 'banner', code: 'EMALFORMED', message: 'malformed SMTP reply line: HTTP/1.1 400' } })),
    ids: ['tls/malformed-reply'],
  },
  {
    name: 'a reply of endless continuation lines',
    facts: facts(probe('reply-too-long', { starttls: false, error: { stage: 'ehlo', code: 'ETOOLONG', message: 'SMTP reply of more than 200 continuation lines' } })),
    ids: ['tls/reply-too-long'],
  },
  {
    name: 'a connection closed in the middle of a reply',
    facts: facts(probe('connection-closed', { starttls: false, error: { stage: 'banner', code: 'ECLOSED', message: 'connection closed by the server in the middle of a reply' } })),
    ids: ['tls/connection-closed'],
  },
  {
    name: 'a greeting and then silence is still untestable, never a protocol finding',
    facts: facts(probe('smtp-error', { starttls: false, error: { stage: 'ehlo', code: 'ETIMEDOUT', message: 'no reply within 10000 ms' } })),
    ids: ['tls/unreachable'],
    inconclusive: true,
  },
  {
    name: 'an MX host whose addresses could not be looked up: inconclusive',
    facts: { ...facts(probe('tls', { tls: session() })), hosts: [...facts(probe('tls', { tls: session() })).hosts, { host: 'timeout.example.test', preference: 20, dnsProblem: 'A: timeout, AAAA: timeout', addresses: [] }] },
    ids: [],
    inconclusive: 'timeout.example.test',
  },
  { name: 'the MX lookup failed: inconclusive, no finding', facts: { ...facts(), mx: { status: 'servfail', nullMx: false } }, ids: [], inconclusive: 'servfail' },
  { name: 'a null MX is skipped', facts: { ...facts(), mx: { status: 'ok', nullMx: true } }, ids: [], skipped: true },
  { name: 'no MX is skipped', facts: { ...facts(), mx: { status: 'nodata', nullMx: false } }, ids: [], skipped: true },
  { name: '--no-smtp is skipped', facts: { ...facts(), probing: 'disabled', hosts: [] }, ids: [], skipped: true },
  { name: 'offline is skipped', facts: { ...facts(), probing: 'offline', hosts: [] }, ids: [], skipped: true },
  {
    name: 'several hosts: one finding per id listing each',
    facts: {
      ...facts(),
      hosts: [
        { host: 'a.example.test', preference: 10, addresses: [probe('starttls-missing', { address: '192.0.2.1' })] },
        { host: 'b.example.test', preference: 20, addresses: [probe('starttls-missing', { address: '192.0.2.2' })] },
      ],
    },
    ids: ['tls/starttls-missing'],
    data: { 'tls/starttls-missing': { hosts: ['a.example.test', 'b.example.test'] } },
    then: (findings) => expect(findings[0]!.evidence).toHaveLength(2),
  },
];

judgeCases(tlsCheck, cases);

describe('tls wording helpers', () => {
  it('words days left and since in whole days', () => {
    expect(daysLeftText(0)).toBe('in less than a day');
    expect(daysLeftText(1)).toBe('in 1 day');
    expect(daysLeftText(9)).toBe('in 9 days');
    const now = Date.parse('2026-05-10T12:00:00Z');
    expect(daysAgoText('2026-05-10T01:00:00.000Z', now)).toBe('less than a day ago');
    expect(daysAgoText('2026-05-09T11:00:00.000Z', now)).toBe('1 day ago');
    expect(daysAgoText('2026-05-01T12:00:00.000Z', now)).toBe('9 days ago');
  });
});
