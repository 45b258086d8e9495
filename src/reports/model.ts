/**
 * The reports as read from files, before they are folded into totals: one
 * DMARC aggregate report (RFC 7489 Appendix C, RFC 9990), one DMARC failure
 * report (ARF, RFC 5965 / RFC 6591), one TLS-RPT report (RFC 8460 §4).
 */

/** The DMARC policy the receiver found (RFC 7489 Appendix C `PolicyPublishedType`). */
export interface PublishedPolicy {
  /** The domain the policy was found for (the RFC5322.From domain or its Organizational Domain). */
  domain: string;
  p?: string;
  sp?: string;
  /** RFC 9990: the policy for non-existent subdomains. */
  np?: string;
  adkim?: string;
  aspf?: string;
  /** RFC 7489 only (removed in RFC 9989). */
  pct?: number;
  /** RFC 9990: t=y was published. */
  testing?: string;
}

/** One authentication result of a record (`DKIMAuthResultType`, `SPFAuthResultType`). */
export interface AuthResult {
  domain: string;
  /** DKIM only: the selector (s=). */
  selector?: string;
  result: string;
  /** SPF only: mfrom or helo. */
  scope?: string;
}

/** One `<record>`: the messages from one IP with one set of results. */
export interface AggregateRecord {
  sourceIp: string;
  count: number;
  /** policy_evaluated: what the receiver applied and the aligned verdicts. */
  disposition: string;
  dkim: string;
  spf: string;
  /** policy_evaluated/reason (`forwarded`, `mailing_list`, `local_policy` with `arc=pass` …). */
  reasons: Array<{ type: string; comment?: string }>;
  headerFrom: string;
  envelopeFrom?: string;
  dkimResults: AuthResult[];
  spfResults: AuthResult[];
}

export interface AggregateReport {
  kind: 'aggregate';
  /** rfc7489: no namespace; rfc9990: the urn:ietf:params:xml:ns:dmarc-2.0 namespace or a version element. */
  format: 'rfc7489' | 'rfc9990' | 'json';
  orgName: string;
  reportId: string;
  /** Seconds since the epoch (date_range begin/end, UTC). */
  begin: number;
  end: number;
  policy: PublishedPolicy;
  records: AggregateRecord[];
}

/** One DMARC failure report (ARF `Feedback-Type: auth-failure`, RFC 6591). */
export interface FailureReport {
  kind: 'failure';
  reportedDomain: string;
  sourceIp?: string;
  /** Arrival-Date as seconds since the epoch, when it parses. */
  arrival?: number;
  /** Auth-Failure: dmarc, dkim, spf … */
  authFailure?: string;
  dkimDomain?: string;
  dkimSelector?: string;
}

/** One TLS-RPT policy entry (RFC 8460 §4.4). */
export interface TlsRptPolicy {
  policyType: string;
  policyDomain: string;
  success: number;
  failure: number;
  failures: Array<{ resultType: string; count: number }>;
}

export interface TlsRptReport {
  kind: 'tlsrpt';
  orgName: string;
  reportId: string;
  begin: number;
  end: number;
  policies: TlsRptPolicy[];
}

export type ParsedReport = AggregateReport | FailureReport | TlsRptReport;

/** A file (or a part of one) that could not be read: the run goes on. */
export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';
}
