/**
 * The pure judge of `mailcheck message`: from the parsed message and its
 * authentication results to findings (message/… ids) and the requirement
 * statuses a provider profile reads. No I/O.
 */
import type { Finding } from '../schema/report.js';
import { messageFinding } from './catalogue.js';
import type { HeaderSection } from './headers.js';
import type { ArcResult, DkimSignatureResult, DmarcResult, RequirementStatus, Requirements, SpfResult } from './schema.js';

/** What the judge reads. */
export interface JudgeInput {
  section: Pick<HeaderSection, 'fields' | 'longLineNumber' | 'longestLine' | 'malformedLines'>;
  /** The From field's addresses (all From fields), as parsed. */
  fromAddresses: string[];
  authentication: { spf: SpfResult; dkim: DkimSignatureResult[]; dmarc: DmarcResult; arc: ArcResult };
  /** A visible unsubscribe link in the body; null when the body could not be read. */
  unsubscribeLink: boolean | null;
  /** The receiver's hop recorded TLS; null without a receiver hop. */
  tls: boolean | null;
  tlsEvidence: string | null;
}

/** RFC 5322 §3.6 table: fields that occur at most once (From is judged on its own). */
export const SINGLE_INSTANCE_FIELDS = ['date', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'message-id', 'in-reply-to', 'references', 'subject'] as const;

/** RFC 5322 §3.6.4 msg-id, in its common dot-atom form plus the obsolete/no-fold-literal right side. */
const MSG_ID = /^<[^<>@\s]+@[^<>@\s]+>$/;

/** RFC 5322 §3.3 date-time, loosely: optional day, day month year, time, zone. */
const DATE_TIME = /^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|[A-Za-z]{1,5})?(?:\s*\(.*\))?$/;

const values = (input: JudgeInput, key: string) => input.section.fields.filter((field) => field.key === key).map((field) => field.value);

/** Findings of the header format rules (RFC 5322) and Feedback-ID. */
export function judgeFormat(input: JudgeInput): Finding[] {
  const findings: Finding[] = [];
  const froms = values(input, 'from');
  if (froms.length !== 1 || input.fromAddresses.length !== 1) {
    const what =
      froms.length === 0
        ? 'The message has no From field'
        : froms.length > 1
          ? `The message has ${froms.length} From fields`
          : input.fromAddresses.length === 0
            ? 'The From field holds no address'
            : `The From field holds ${input.fromAddresses.length} addresses`;
    findings.push(messageFinding('message/from-invalid', { message: what, evidence: froms.map((value) => `From: ${value}`) }));
  }
  const dates = values(input, 'date');
  if (dates.length === 0) findings.push(messageFinding('message/date-missing', { message: 'The message has no Date field' }));
  else if (!DATE_TIME.test(dates[0]!.trim())) {
    findings.push(messageFinding('message/date-invalid', { message: `Date "${dates[0]}" is not an RFC 5322 date-time`, evidence: [`Date: ${dates[0]}`] }));
  }
  const ids = values(input, 'message-id');
  if (ids.length === 0) findings.push(messageFinding('message/message-id-missing', { message: 'The message has no Message-ID field' }));
  else if (!MSG_ID.test(ids[0]!.trim())) {
    findings.push(
      messageFinding('message/message-id-invalid', { message: `Message-ID "${ids[0]}" is not <id-left@id-right>`, evidence: [`Message-ID: ${ids[0]}`] }),
    );
  }
  const repeated = SINGLE_INSTANCE_FIELDS.filter((key) => values(input, key).length > 1);
  if (repeated.length > 0) {
    findings.push(
      messageFinding('message/duplicate-header', {
        message: `Fields allowed once appear more than once: ${repeated.map((key) => `${key} (${values(input, key).length}×)`).join(', ')}`,
        evidence: repeated.flatMap((key) => input.section.fields.filter((field) => field.key === key).map((field) => `${field.name}: ${field.value}`)),
      }),
    );
  }
  if (input.section.longLineNumber !== null) {
    findings.push(
      messageFinding('message/line-too-long', {
        message: `Line ${input.section.longLineNumber} is longer than 998 octets (longest: ${input.section.longestLine})`,
      }),
    );
  }
  if (input.section.malformedLines.length > 0) {
    findings.push(
      messageFinding('message/malformed-header', {
        message: `${input.section.malformedLines.length} header line(s) are not fields`,
        evidence: input.section.malformedLines.slice(0, 5).map((line) => line.slice(0, 200)),
      }),
    );
  }
  const feedback = values(input, 'feedback-id')[0];
  if (feedback !== undefined) {
    const parts = feedback.trim().split(':');
    if (/\s/.test(feedback.trim()) || parts.length < 2 || parts.length > 4 || parts.at(-1) === '') {
      findings.push(messageFinding('message/feedback-id-invalid', { message: `Feedback-ID "${feedback}" is not a:b:c:SenderId`, evidence: [`Feedback-ID: ${feedback}`] }));
    }
  }
  return findings;
}

/** The https URIs of a List-Unsubscribe value (RFC 2369 §3.2: <uri>, <uri>). */
export function unsubscribeUris(value: string): string[] {
  return [...value.matchAll(/<([^<>]+)>/g)].map((match) => match[1]!.trim());
}

/** Findings of the bulk-sender unsubscribe rules (RFC 2369, RFC 8058). */
export function judgeUnsubscribe(input: JudgeInput): Finding[] {
  const list = values(input, 'list-unsubscribe');
  const post = values(input, 'list-unsubscribe-post');
  if (list.length === 0) {
    return [messageFinding('message/list-unsubscribe-missing', { message: 'The message has no List-Unsubscribe field' })];
  }
  const findings: Finding[] = [];
  const https = list.flatMap(unsubscribeUris).filter((uri) => /^https:\/\//i.test(uri));
  // RFC 8058 §3.1: the POST body must be exactly "List-Unsubscribe=One-Click".
  const oneClick = post.some((value) => value.trim() === 'List-Unsubscribe=One-Click');
  const evidence = [...list.map((value) => `List-Unsubscribe: ${value}`), ...post.map((value) => `List-Unsubscribe-Post: ${value}`)];
  if (https.length === 0 || !oneClick) {
    const missing = [https.length === 0 ? 'an https URI in List-Unsubscribe' : null, oneClick ? null : 'List-Unsubscribe-Post: List-Unsubscribe=One-Click']
      .filter(Boolean)
      .join(' and ');
    findings.push(messageFinding('message/one-click-missing', { message: `One-click unsubscribe needs ${missing}`, evidence }));
  } else {
    // RFC 8058 §4: both fields MUST be covered by a valid DKIM signature.
    const covering = input.authentication.dkim.filter(
      (sig) => sig.result === 'pass' && sig.headers.includes('list-unsubscribe') && sig.headers.includes('list-unsubscribe-post'),
    );
    // A covering signature whose key lookup failed leaves the answer open (temperror), not failed.
    const pending = input.authentication.dkim.some(
      (sig) => sig.result === 'temperror' && sig.headers.includes('list-unsubscribe') && sig.headers.includes('list-unsubscribe-post'),
    );
    if (covering.length === 0 && !pending) {
      const signed = input.authentication.dkim.map((sig) => `d=${sig.domain} s=${sig.selector} ${sig.result}: h=${sig.headers.join(':')}`);
      findings.push(
        messageFinding('message/one-click-unsigned', {
          message: 'No passing DKIM signature covers both List-Unsubscribe and List-Unsubscribe-Post',
          evidence: [...evidence, ...signed],
        }),
      );
    }
  }
  if (input.unsubscribeLink === false) {
    findings.push(messageFinding('message/unsubscribe-link-missing', { message: 'The body shows no unsubscribe link' }));
  }
  return findings;
}

/** Findings of SPF, DKIM, DMARC and ARC. */
export function judgeAuthentication(input: JudgeInput): Finding[] {
  const { spf, dkim, dmarc, arc } = input.authentication;
  const findings: Finding[] = [];
  const spfEvidence = [`SPF ${spf.identity === 'helo' ? 'HELO' : 'MAIL FROM'} domain ${spf.domain ?? '?'}, IP ${spf.ip ?? '?'}: ${spf.result}`];
  if (spf.mechanism) spfEvidence.push(`matched ${spf.mechanism}`);
  if (spf.reason) spfEvidence.push(spf.reason);
  if (spf.result === 'fail' || spf.result === 'softfail' || spf.result === 'permerror') {
    findings.push(
      messageFinding('message/spf-fail', {
        message: `SPF ${spf.result} for ${spf.ip} at ${spf.domain}`,
        evidence: spfEvidence,
        ...(spf.result === 'softfail' ? { severity: 'medium' as const } : {}),
      }),
    );
  } else if (spf.result === 'none') {
    findings.push(messageFinding('message/spf-none', { message: `${spf.domain} publishes no SPF policy`, evidence: spfEvidence }));
  } else if (spf.result === 'needs-input') {
    findings.push(messageFinding('message/spf-unverified', { message: `SPF not evaluated: ${spf.reason ?? 'envelope unknown'}` }));
  }
  const dmarcPasses = dmarc.result === 'pass';
  if (dmarc.alignment.spf === 'fail') {
    findings.push(
      messageFinding('message/spf-unaligned', {
        message: `SPF passes for ${spf.domain}, which does not align with From domain ${dmarc.domain} (aspf ${dmarc.mode?.spf ?? 'relaxed'})`,
        ...(dmarcPasses ? { severity: 'low' as const } : {}),
      }),
    );
  }

  if (dkim.length === 0) findings.push(messageFinding('message/dkim-missing', { message: 'The message has no DKIM-Signature' }));
  for (const sig of dkim) {
    const who = `d=${sig.domain} s=${sig.selector}`;
    const evidence = [`${who} a=${sig.algorithm ?? '?'}: ${sig.result}${sig.comment ? ` (${sig.comment})` : ''}`, `body hash ${sig.bodyHash}, signature ${sig.signature}`];
    if (sig.expired || sig.comment === 'invalid expiration') {
      findings.push(messageFinding('message/dkim-expired', { message: `The signature ${who} expired at ${sig.expiresAt}`, evidence }));
    } else if (sig.result !== 'pass' && sig.result !== 'temperror') {
      findings.push(messageFinding('message/dkim-fail', { message: `DKIM ${sig.result} for ${who}: ${sig.comment ?? 'does not verify'}`, evidence }));
    }
    if (sig.bodyLength !== null) {
      const unsigned = sig.bodyLengthTotal !== null && sig.bodyLengthTotal > sig.bodyLength;
      findings.push(
        messageFinding('message/dkim-body-length', {
          message: `The signature ${who} signs only the first ${sig.bodyLength} body octets (l=)${unsigned ? `; ${sig.bodyLengthTotal! - sig.bodyLength} octets after them are unsigned` : ''}`,
          evidence,
          ...(unsigned ? { severity: 'high' as const } : {}),
        }),
      );
    }
  }
  if (dmarc.alignment.dkim === 'fail') {
    const passing = dkim.filter((sig) => sig.result === 'pass').map((sig) => sig.domain);
    findings.push(
      messageFinding('message/dkim-unaligned', {
        message: `DKIM passes for ${passing.join(', ')}, not aligned with From domain ${dmarc.domain} (adkim ${dmarc.mode?.dkim ?? 'relaxed'})`,
        ...(dmarcPasses ? { severity: 'low' as const } : {}),
      }),
    );
  }
  if (dmarc.result === 'fail') {
    findings.push(
      messageFinding('message/dmarc-fail', {
        message: `DMARC fails for ${dmarc.domain}: policy ${dmarc.policy}, a receiver would ${dmarc.disposition === 'none' ? 'deliver it (p=none)' : dmarc.disposition === 'quarantine' ? 'quarantine it (spam folder)' : 'reject it'}`,
        evidence: [`alignment: SPF ${dmarc.alignment.spf}, DKIM ${dmarc.alignment.dkim}`, ...(dmarc.record ? [`${dmarc.recordName} "${dmarc.record}"`] : [])],
        ...(dmarc.disposition === 'reject' ? { severity: 'critical' as const } : {}),
      }),
    );
  } else if (dmarc.result === 'none') {
    findings.push(messageFinding('message/dmarc-missing', { message: `No DMARC policy applies to ${dmarc.domain}` }));
  }
  if (arc.result === 'fail') {
    findings.push(messageFinding('message/arc-fail', { message: `ARC chain of ${arc.instances} set(s) fails: ${arc.comment ?? 'does not validate'}` }));
  }
  return findings;
}

/** Every finding of the message, format first. */
export function judgeMessage(input: JudgeInput): Finding[] {
  const findings = [...judgeAuthentication(input), ...judgeUnsubscribe(input), ...judgeFormat(input)];
  if (input.tls === false) {
    findings.push(messageFinding('message/no-tls', { message: 'The receiving hop recorded no TLS', evidence: input.tlsEvidence ? [input.tlsEvidence] : [] }));
  }
  return findings;
}

const FORMAT_IDS = new Set([
  'message/from-invalid',
  'message/date-missing',
  'message/date-invalid',
  'message/message-id-missing',
  'message/message-id-invalid',
  'message/duplicate-header',
  'message/line-too-long',
  'message/malformed-header',
]);

/** The requirement statuses a provider profile reads. */
export function requirementsOf(input: JudgeInput, findings: readonly Finding[]): Requirements {
  const { spf, dkim, dmarc } = input.authentication;
  const word = (pass: boolean, unknown = false): RequirementStatus => (unknown ? 'unknown' : pass ? 'pass' : 'fail');
  const ids = new Set(findings.map((finding) => finding.id));
  const spfUnknown = spf.result === 'needs-input' || spf.result === 'temperror';
  const dmarcUnknown = dmarc.result === 'temperror' || dmarc.result === 'unknown';
  return {
    spf: word(spf.result === 'pass', spfUnknown),
    dkim: word(dkim.some((sig) => sig.result === 'pass'), dkim.some((sig) => sig.result === 'temperror') && !dkim.some((sig) => sig.result === 'pass')),
    dmarc: word(dmarc.result === 'pass', dmarcUnknown),
    alignment: word(dmarc.alignment.spf === 'pass' || dmarc.alignment.dkim === 'pass', dmarc.alignment.spf === 'unknown' && dmarc.alignment.dkim !== 'pass'),
    dmarcPolicy: dmarc.result === 'temperror' && dmarc.policy === null ? 'unknown' : dmarc.domain === null ? 'unknown' : word(dmarc.policy !== null),
    // Absent List-Unsubscribe is a fail here: whether the message is bulk mail is the profile's call.
    oneClickUnsubscribe: word(
      !ids.has('message/list-unsubscribe-missing') && !ids.has('message/one-click-missing') && !ids.has('message/one-click-unsigned'),
      !dkim.some((sig) => sig.result === 'pass') && dkim.some((sig) => sig.result === 'temperror') && !ids.has('message/list-unsubscribe-missing') && !ids.has('message/one-click-missing'),
    ),
    format: word(![...ids].some((id) => FORMAT_IDS.has(id))),
    tls: input.tls === null ? 'unknown' : word(input.tls),
    // Filled in from the joined ptr check (dns-join.ts), which the judge does not see.
    reverseDns: 'unknown',
  };
}
