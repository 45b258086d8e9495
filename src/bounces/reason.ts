/**
 * Why a recipient bounced: one reason from a fixed taxonomy (Sisimai's names
 * where the meaning is the same), from the enhanced status code (RFC 3463,
 * RFC 5248 registry, RFC 7372 for authentication codes, RFC 7505 for null
 * MX), the SMTP reply code (RFC 5321 §4.2) and the diagnostic text that
 * providers document. Pure.
 *
 * `hard` means the address itself is undeliverable and should be suppressed:
 * only unknown users, unknown or null-MX domains and moved mailboxes, and only
 * when permanent. A spam block, an authentication failure or a rate limit
 * says nothing about the address; those are the sender's to fix.
 */

/** Every reason, documented in the README. */
export const BOUNCE_REASONS = [
  'userunknown',
  'hostunknown',
  'notaccept',
  'hasmoved',
  'mailboxfull',
  'exceedlimit',
  'suspend',
  'mesgtoobig',
  'expired',
  'networkerror',
  'systemerror',
  'mailererror',
  'toomanyconn',
  'speeding',
  'blocked',
  'badreputation',
  'requireptr',
  'authfailure',
  'securityerror',
  'norelaying',
  'rejected',
  'spamdetected',
  'virusdetected',
  'policyviolation',
  'contenterror',
  'syntaxerror',
  'filtered',
  'undefined',
] as const;
export type BounceReason = (typeof BOUNCE_REASONS)[number];

/** Reasons that, when permanent, make an address hard (suppress it). */
export const HARD_REASONS: ReadonlySet<BounceReason> = new Set(['userunknown', 'hostunknown', 'notaccept', 'hasmoved']);

/** Reasons caused by the sender's setup (DNS, IP, authentication), not the recipient. */
export const SENDER_REASONS: ReadonlySet<BounceReason> = new Set([
  'blocked', 'badreputation', 'requireptr', 'authfailure', 'securityerror', 'norelaying', 'rejected', 'speeding', 'toomanyconn',
]);

/** What decides a reason: the text patterns a provider documents, or a status code. */
interface Rule {
  reason: BounceReason;
  /** Enhanced status codes (exact) that decide on their own. */
  statuses?: readonly string[];
  /** Diagnostic text patterns. */
  text?: RegExp;
  /** Finding ids of the DNS checks whose fix removes this cause. */
  findingIds?: readonly string[];
}

/**
 * A rule naming the exact status code wins; otherwise the first rule whose
 * text matches. Specific provider texts and the sender-side causes come
 * first, because their status is often a generic 5.7.1 or 5.0.0 that would
 * otherwise read as a policy or unknown failure.
 */
const RULES: readonly Rule[] = [
  // RFC 7505 §4.2: 556 5.1.10 for a domain publishing a null MX.
  { reason: 'notaccept', text: /\bnull MX\b|does not accept (?:any )?mail|\b556[ -]5\.1\.10\b/i },
  // RFC 7372 §3.1: 5.7.20–5.7.22 DKIM; §3.2: 5.7.23–5.7.24 SPF; §3.3: 5.7.25 reverse DNS.
  // Gmail documents 5.7.25 and 4.7.23 for a sending IP without matching PTR.
  { reason: 'requireptr', statuses: ['5.7.25', '4.7.25', '4.7.23'], text: /\bPTR record\b|reverse DNS|reverse (?:hostname|lookup)|rDNS|forward DNS entry does not point/i, findingIds: ['ptr/missing', 'ptr/mismatch'] },
  { reason: 'authfailure', statuses: ['5.7.23', '5.7.24', '5.7.27', '4.7.24', '4.7.27'], text: /\bSPF\b.*\b(?:fail|not (?:pass|designate|permit|authori[sz]ed))|did not pass SPF/i, findingIds: ['spf/ip-not-authorized', 'spf/missing'] },
  { reason: 'authfailure', statuses: ['5.7.20', '5.7.21', '5.7.22'], text: /\bDKIM\b.*\b(?:fail|no (?:valid|passing)|missing)/i, findingIds: ['dkim/not-found'] },
  // Gmail 5.7.26 (unauthenticated, DMARC), 5.7.30, Microsoft 5.7.515, Yahoo's unauthenticated-sender text, DMARC policy 5.7.40.
  { reason: 'authfailure', statuses: ['5.7.26', '4.7.26', '5.7.30', '4.7.30', '5.7.515', '5.7.40'], text: /\bDMARC\b|unauthenticated|not authenticated|requires all senders to authenticate|authentication (?:level|requirements?|check)/i, findingIds: ['spf/ip-not-authorized', 'dkim/not-found', 'dmarc/missing'] },
  // TLS required: Gmail documents 5.7.29; RFC 3207 §4 and the registry's 5.7.10/5.7.11 "encryption needed/required".
  { reason: 'securityerror', statuses: ['5.7.29', '4.7.29', '5.7.10', '5.7.11', '4.7.10'], text: /\bTLS (?:is )?required|must issue a STARTTLS|encryption (?:needed|required)/i, findingIds: ['tls/starttls-missing'] },
  { reason: 'blocked', text: /\b(?:block|black|deny)-?list(?:ed)?\b|blocked using|(?<!not )listed (?:in|on|at) |spamhaus|spamcop|barracuda|\bSBL\b|\bXBL\b|\bPBL\b|\bRBL\b|\bDNSBL\b|banned sending IP|\bS3150\b|5\.7\.606|5\.7\.511|access denied.*\bIP\b|\bTSS0[49]\b|client host .* blocked|IP address .* (?:blocked|rejected)/i, findingIds: ['blocklist/ip-listed', 'blocklist/domain-listed'] },
  { reason: 'badreputation', text: /reputation|unsolicited mail originating from your IP|unusual rate of unsolicited|likely (?:unsolicited|suspicious)/i },
  { reason: 'speeding', statuses: ['4.7.28', '5.7.28', '4.2.1'], text: /rate limit|sending rate|too many (?:messages|emails|recipients)|rate of traffic|receiving mail at a rate|throttl|\bTS0[1-3]\b|deferred due to user complaints/i },
  { reason: 'toomanyconn', text: /too many (?:concurrent )?(?:connections|sessions|smtp)|connection (?:limit|count) exceeded/i },
  { reason: 'norelaying', statuses: ['5.7.64', '5.4.6'], text: /relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited)|unable to relay|relay not permitted|not allowed to relay|we do not relay/i },
  // 5.1.7/5.1.8: the sender's address or its domain was refused.
  { reason: 'rejected', statuses: ['5.1.7', '5.1.8', '4.1.8'], text: /sender (?:address )?(?:rejected|refused|denied|verify failed)|domain of sender address .* does not (?:exist|resolve)|bad sender/i, findingIds: ['mx/missing'] },
  { reason: 'hasmoved', statuses: ['5.1.6'], text: /has moved|mailbox moved|no longer (?:at|valid at) this address/i },
  { reason: 'virusdetected', text: /\bvirus\b|malware|infected/i },
  { reason: 'spamdetected', text: /\bspam\b|\bUCE\b|junk mail|content (?:was )?(?:rejected|blocked) as|message content rejected|bulk mail/i },
  { reason: 'mailboxfull', statuses: ['5.2.2', '4.2.2'], text: /mailbox (?:is )?full|over ?quota|quota exceeded|exceeded (?:storage|the quota)|insufficient (?:disk )?(?:space|storage)|mailbox size limit/i },
  { reason: 'exceedlimit', statuses: ['5.2.3', '4.2.3'] },
  { reason: 'suspend', text: /(?:account|mailbox|address|user) (?:is )?(?:disabled|suspended|inactive|deactivated|locked|frozen)|not accepting (?:any )?(?:messages|mail)|mailbox unavailable.*disabled/i },
  { reason: 'mesgtoobig', statuses: ['5.3.4', '4.3.4'], text: /message (?:is )?too (?:big|large)|size (?:limit )?exceed|exceeds (?:the )?(?:maximum )?(?:message )?size/i },
  { reason: 'hostunknown', statuses: ['5.1.2', '5.4.4'], text: /host (?:or domain name )?not found|domain (?:name )?not found|no such domain|unrouteable (?:mail )?(?:address|domain)|couldn't find any host|unknown (?:host|domain)|domain (?:does not|doesn't) exist|no (?:mail|MX) (?:host|record)s? for|name service error/i },
  { reason: 'userunknown', statuses: ['5.1.1', '5.1.0', '5.1.3', '4.1.1'], text: /user(?:name)? unknown|unknown user|no such (?:user|mailbox|recipient|address)|(?:user|mailbox|recipient|address|account) (?:does not|doesn't|did not) exist|(?:recipient|user|address) not found|RecipientNotFound|invalid (?:recipient|mailbox|address)|mailbox (?:not found|unavailable)|not a valid (?:mailbox|recipient)|address (?:couldn't|could not) be found|unknown (?:local part|recipient|mailbox)|not listed in .*directory|no mailbox here|recipient address rejected/i },
  { reason: 'expired', statuses: ['4.4.7', '5.4.7'], text: /expired|retry timeout exceeded|too long in (?:the )?queue|giving up|given up|I'm not going to try again|could not be delivered within/i },
  { reason: 'policyviolation', statuses: ['5.7.9'], text: /\bpolicy\b|not accepted for policy reasons|header error|prohibited/i },
  { reason: 'networkerror', text: /connection (?:timed out|refused|reset|lost)|timed out while|no route to host|network (?:is )?unreachable|lost connection|DNS (?:lookup )?(?:failure|error)|Host not reachable/i },
  { reason: 'filtered', statuses: ['5.2.0', '5.2.1'] },
  { reason: 'systemerror', text: /system (?:error|failure|not accepting)|internal (?:server )?error|local (?:configuration )?error|mail system full|loop detected|too many hops|routing loop/i },
];

/** Reasons decided by the status code's subject and detail when no rule matched (RFC 3463 §3). */
function byStatusClass(status: string): BounceReason | undefined {
  const [, subject, detail] = status.split('.').map(Number) as [number, number, number];
  switch (subject) {
    case 1:
      return detail === 2 ? 'hostunknown' : detail === 6 ? 'hasmoved' : detail === 7 || detail === 8 ? 'rejected' : 'userunknown';
    case 2:
      return detail === 2 ? 'mailboxfull' : detail === 3 ? 'exceedlimit' : detail === 4 ? 'systemerror' : 'filtered';
    case 3:
      return detail === 4 ? 'mesgtoobig' : 'systemerror';
    case 4:
      return detail === 7 ? 'expired' : detail === 4 ? 'hostunknown' : 'networkerror';
    case 5:
      return 'syntaxerror';
    case 6:
      return 'contenterror';
    case 7:
      return detail === 1 ? 'rejected' : 'policyviolation';
    default:
      return undefined;
  }
}

/** What the classification needs about one recipient. */
export interface ReasonInput {
  /** Enhanced status code, `5.1.1`. */
  status?: string;
  /** SMTP reply code, `550`. */
  reply?: number;
  diagnostic?: string;
  /** Diagnostic type (`smtp`, `x-unix`). */
  diagnosticType?: string;
  /** RFC 3464 Action (`failed`, `delayed`). */
  action?: string;
}

export interface ReasonResult {
  reason: BounceReason;
  hard: boolean;
  /** The sender's setup is the cause (group and fix it, do not suppress). */
  senderSide: boolean;
  /** DNS finding ids whose fix removes this cause, most likely first. */
  findingIds: string[];
}

/** The enhanced status code inside a diagnostic text (`550 5.1.1 …`), if any. */
export function statusInText(text: string | undefined): string | undefined {
  const match = /(?:^|[\s#(\-])([245])\.(\d{1,3})\.(\d{1,3})(?=[\s).;,:\]-]|$)/.exec(text ?? '');
  return match ? `${match[1]}.${match[2]}.${match[3]}` : undefined;
}

/** The SMTP reply code at the start of a diagnostic (`550-5.7.1`, `554 `), if any. */
export function replyInText(text: string | undefined): number | undefined {
  const match = /(?:^|[\s:])([245][0-5]\d)(?=[\s-]|$)/.exec(text ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Classifies one recipient's failure. */
export function classifyReason(input: ReasonInput): ReasonResult {
  const text = input.diagnostic ?? '';
  // A generic Status (5.0.0, 4.0.0) is refined by the code the remote server gave in the text.
  const inText = statusInText(text);
  const status = input.status && !/^\d\.0\.0$/.test(input.status) ? input.status : (inText ?? input.status);
  const temporary = input.action === 'delayed' || status?.startsWith('4.') === true || (input.reply !== undefined && input.reply < 500);
  let reason: BounceReason | undefined;
  let findingIds: readonly string[] = [];
  // An exact enhanced status code a rule names is the most specific evidence; then the texts, in order.
  const rule =
    (status !== undefined ? RULES.find((candidate) => candidate.statuses?.includes(status) === true) : undefined) ??
    RULES.find((candidate) => candidate.text !== undefined && candidate.text.test(text));
  if (rule) {
    reason = rule.reason;
    findingIds = rule.findingIds ?? [];
  }
  if (!reason && input.diagnosticType === 'x-unix') reason = 'mailererror';
  if (!reason && status) reason = byStatusClass(status);
  if (!reason && temporary) reason = 'expired';
  reason ??= 'undefined';
  return {
    reason,
    hard: HARD_REASONS.has(reason) && !temporary,
    senderSide: SENDER_REASONS.has(reason),
    findingIds: [...findingIds],
  };
}

/** Every finding id the rules point at (the tests check each is in a check's catalogue). */
export function bounceRuleFindingIds(): string[] {
  return [...new Set(RULES.flatMap((rule) => rule.findingIds ?? []))];
}
