/**
 * Mailbox-provider profiles, judged on data (no server): each requirement and
 * each status, the verdicts, the table's sources, and the one-line wording
 * every format uses.
 */
import { describe, expect, it } from 'vitest';
import { evaluateProfile, evaluateProfiles, isParked, type CheckView } from '../src/profiles/evaluate.js';
import { PROFILES, PROFILE_IDS, REQUIREMENT_IDS, SOURCES_READ } from '../src/profiles/table.js';
import { profileLine } from '../src/report/verdicts.js';
import { CHECK_IDS } from '../src/checks/index.js';
import type { CheckResult, Finding, ProfileResult } from '../src/schema/report.js';

const finding = (id: string): Finding => ({ id, severity: 'high', title: id, message: id, evidence: [] });

function check(id: string, ids: string[] = [], status: CheckResult['status'] = 'pass', facts: Record<string, unknown> = {}): CheckView {
  return { id, status: ids.length > 0 && status === 'pass' ? 'fail' : status, findings: ids.map(finding), facts };
}

/** Every check passing, with some checks replaced. */
function domain(...replacements: CheckView[]): CheckView[] {
  return CHECK_IDS.map((id) => replacements.find((c) => c.id === id) ?? check(id));
}

const profile = (id: string) => PROFILES.find((p) => p.id === id)!;
const judge = (id: string, checks: CheckView[], sendingIps?: string[]) =>
  evaluateProfile(profile(id), checks, sendingIps ? { sendingIps } : {});
const status = (result: ProfileResult, requirement: string) => result.requirements.find((r) => r.id === requirement)?.status;

const BARE = domain(check('spf', ['spf/missing']), check('dkim', ['dkim/not-found']), check('dmarc', ['dmarc/missing']));

describe('the profiles table', () => {
  it('has the public profile ids', () => {
    expect(PROFILE_IDS).toEqual(['gmail', 'gmail-bulk', 'yahoo', 'yahoo-bulk', 'outlook-bulk', 'apple-bulk', 'parked']);
  });

  it('gives every requirement a provider page and the day it was read', () => {
    for (const entry of PROFILES) {
      for (const requirement of entry.requirements) {
        expect(requirement.source.url, `${entry.id}/${requirement.id}`).toMatch(/^https:\/\//);
        expect(requirement.source.read).toBe(SOURCES_READ);
        expect(REQUIREMENT_IDS).toContain(requirement.id);
      }
    }
    expect(SOURCES_READ).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('asks what the providers publish: SPF or DKIM of all senders, SPF and DKIM and DMARC of bulk senders', () => {
    const ids = (id: string) => profile(id).requirements.map((r) => r.id);
    expect(ids('gmail')).toContain('spf-or-dkim');
    expect(ids('yahoo')).toContain('spf-or-dkim');
    for (const bulk of ['gmail-bulk', 'yahoo-bulk', 'outlook-bulk', 'apple-bulk']) {
      expect(ids(bulk)).toEqual(expect.arrayContaining(['spf-and-dkim', 'dmarc-published']));
    }
    expect(ids('gmail-bulk')).toEqual(expect.arrayContaining(['tls-sending', 'dkim-key-1024', 'one-click-unsubscribe', 'spam-rate']));
    expect(profile('outlook-bulk').requirements.find((r) => r.id === 'one-click-unsubscribe')!.level).toBe('recommended');
    expect(ids('parked')).toEqual(['null-mx', 'spf-reject-all', 'dmarc-reject', 'no-active-dkim']);
  });
});

describe('requirement statuses', () => {
  it('fail: a bare domain (no SPF, DKIM, DMARC) would be rejected by gmail, yahoo, outlook-bulk and apple-bulk', () => {
    for (const id of ['gmail', 'gmail-bulk', 'yahoo', 'yahoo-bulk', 'outlook-bulk', 'apple-bulk']) {
      const result = judge(id, BARE);
      expect(result.verdict, id).toBe('fail');
      expect(profileLine(result), id).toMatch(/: would reject — neither SPF nor DKIM is set up/);
    }
    const gmail = judge('gmail-bulk', BARE);
    expect(status(gmail, 'spf-and-dkim')).toBe('fail');
    expect(status(gmail, 'dmarc-published')).toBe('fail');
    expect(status(gmail, 'from-aligned')).toBe('fail');
    expect(gmail.requirements.find((r) => r.id === 'spf-and-dkim')!.findings).toEqual(['spf/missing', 'dkim/not-found']);
  });

  it('pass: SPF alone meets "SPF or DKIM", not "SPF and DKIM"', () => {
    const spfOnly = domain(check('dkim', ['dkim/not-found']));
    expect(status(judge('gmail', spfOnly), 'spf-or-dkim')).toBe('pass');
    expect(status(judge('gmail-bulk', spfOnly), 'spf-and-dkim')).toBe('fail');
    expect(judge('gmail-bulk', spfOnly).requirements.find((r) => r.id === 'spf-and-dkim')!.summary).toBe('DKIM is not set up');
  });

  it('fail: a broken SPF record counts as no SPF (permerror)', () => {
    const broken = domain(check('spf', ['spf/too-many-lookups']), check('dkim', ['dkim/not-found']));
    expect(status(judge('gmail', broken), 'spf-or-dkim')).toBe('fail');
  });

  it('needs-input: DKIM under a selector not tried asks for --dkim-selector, never fails', () => {
    const custom = domain(check('dkim', ['dkim/selector-unknown'], 'pass'));
    const result = judge('gmail-bulk', custom);
    const requirement = result.requirements.find((r) => r.id === 'spf-and-dkim')!;
    expect(requirement).toMatchObject({ status: 'needs-input', needs: '--dkim-selector <selector>' });
    expect(result.verdict).toBe('incomplete');
    expect(status(judge('gmail', custom), 'spf-or-dkim')).toBe('pass');
  });

  it('needs-input: the sending IPs (--ip) and a sample message', () => {
    const result = judge('gmail-bulk', domain());
    const needs = Object.fromEntries(result.requirements.filter((r) => r.status === 'needs-input').map((r) => [r.id, r.needs]));
    expect(needs['sending-ip-fcrdns']).toBe('--ip <sending IP>');
    for (const id of ['from-aligned', 'tls-sending', 'message-format', 'one-click-unsubscribe']) expect(needs[id], id).toMatch(/sample message/);
    expect(result.verdict).toBe('incomplete');
    expect(profileLine(result)).toMatch(/: no rejection seen in DNS; to check the rest, give /);
    expect(profileLine(result)).toContain('--ip <sending IP>');
  });

  it('a sample message decides the requirements only a message shows, and its SPF/DKIM results decide "must pass"', () => {
    const message = { spf: 'pass', dkim: 'fail', alignment: 'pass', oneClickUnsubscribe: 'fail', format: 'pass', tls: 'fail', reverseDns: 'pass' } as const;
    const result = evaluateProfile(profile('gmail-bulk'), domain(), { message });
    expect(Object.fromEntries(result.requirements.map((r) => [r.id, r.status]))).toMatchObject({
      'spf-and-dkim': 'fail',
      'from-aligned': 'pass',
      'sending-ip-fcrdns': 'pass',
      'tls-sending': 'fail',
      'message-format': 'pass',
      'one-click-unsubscribe': 'fail',
      'spam-rate': 'not-checkable',
    });
    expect(result.verdict).toBe('fail');
    // What the message cannot tell (unknown, not applicable) falls back to what DNS shows.
    const unknown = { spf: 'unknown', dkim: 'unknown', alignment: 'unknown', oneClickUnsubscribe: 'not-applicable', format: 'pass', tls: 'unknown', reverseDns: 'unknown' } as const;
    const fallback = evaluateProfile(profile('gmail-bulk'), BARE, { message: unknown });
    expect(status(fallback, 'spf-and-dkim')).toBe('fail');
    expect(status(fallback, 'one-click-unsubscribe')).toBe('needs-input');
    expect(status(evaluateProfile(profile('yahoo'), domain(), { message: { ...unknown, dkim: 'pass' } }), 'spf-or-dkim')).toBe('pass');
  });

  it('not-checkable: the spam rate', () => {
    expect(status(judge('gmail-bulk', domain()), 'spam-rate')).toBe('not-checkable');
    expect(status(judge('yahoo-bulk', domain()), 'spam-rate')).toBe('not-checkable');
  });

  it('inconclusive: a DNS failure is never a failure', () => {
    const failed = domain(check('spf', [], 'error'), check('dkim', ['dkim/not-found']));
    const result = judge('gmail', failed);
    expect(status(result, 'spf-or-dkim')).toBe('inconclusive');
    expect(result.verdict).toBe('incomplete');
    expect(profileLine(result)).toMatch(/could not be judged/);
    expect(status(judge('gmail-bulk', domain(check('dmarc', [], 'error'))), 'dmarc-published')).toBe('inconclusive');
  });

  it('forward-confirmed reverse DNS of the sending IPs given with --ip: pass, fail, inconclusive', () => {
    const ptr = (outcome: string, ids: string[] = []) =>
      check('ptr', ids, 'pass', { addresses: [{ ip: '192.0.2.10', sending: true, outcome }] });
    expect(status(judge('gmail', domain(ptr('confirmed')), ['192.0.2.10']), 'sending-ip-fcrdns')).toBe('pass');
    expect(status(judge('gmail', domain(ptr('missing', ['ptr/missing'])), ['192.0.2.10']), 'sending-ip-fcrdns')).toBe('fail');
    expect(status(judge('gmail', domain(ptr('inconclusive')), ['192.0.2.10']), 'sending-ip-fcrdns')).toBe('inconclusive');
  });

  it('DKIM keys of at least 1024 bits', () => {
    expect(status(judge('gmail', domain(check('dkim', ['dkim/insecure-key']))), 'dkim-key-1024')).toBe('fail');
    expect(status(judge('gmail', domain()), 'dkim-key-1024')).toBe('pass');
  });

  it('a recommended requirement (Outlook one-click unsubscribe) does not decide the verdict', () => {
    const result = judge('outlook-bulk', domain());
    expect(result.requirements.find((r) => r.id === 'one-click-unsubscribe')!.level).toBe('recommended');
    // from-aligned still needs a message: incomplete, not fail.
    expect(result.verdict).toBe('incomplete');
  });

  it('uses every status', () => {
    const seen = new Set(
      [judge('gmail-bulk', BARE), judge('gmail-bulk', domain()), judge('gmail', domain(check('spf', [], 'error'), check('dkim', ['dkim/not-found'])))]
        .flatMap((result) => result.requirements.map((r) => r.status)),
    );
    expect([...seen].sort()).toEqual(['fail', 'inconclusive', 'needs-input', 'not-checkable', 'pass']);
  });
});

describe('the parked profile', () => {
  const parked = () =>
    domain(
      check('mx', ['mx/null-mx'], 'pass', { nullMx: true, nullMxMixed: false }),
      check('spf', [], 'pass', { record: 'v=spf1 -all' }),
      check('dmarc', [], 'pass', { policy: 'reject' }),
      check('dkim', ['dkim/revoked-key'], 'pass', { keys: [{ revoked: true, errors: [] }] }),
    );

  it('passes for a null MX, v=spf1 -all, DMARC p=reject and only revoked DKIM keys', () => {
    const result = judge('parked', parked());
    expect(result.requirements.map((r) => r.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(result.verdict).toBe('pass');
    expect(isParked(parked())).toBe(true);
  });

  it('fails each missing piece', () => {
    const notParked = parked().map((c) => (c.id === 'dmarc' ? { ...c, facts: { policy: 'quarantine' } } : c.id === 'dkim' ? { ...c, findings: [], facts: { keys: [{ revoked: false, errors: [] }] } } : c));
    const result = judge('parked', notParked);
    expect(result.requirements.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual(['dmarc-reject', 'no-active-dkim']);
    expect(isParked(notParked)).toBe(false);
    expect(profileLine(result)).toMatch(/not parked — DMARC p=quarantine, not p=reject; an active DKIM key is published/);
  });

  it('judges only the ids asked for, in table order', () => {
    expect(evaluateProfiles(['parked', 'gmail'], parked()).map((p) => p.id)).toEqual(['gmail', 'parked']);
  });
});
