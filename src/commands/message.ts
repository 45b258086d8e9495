/**
 * `mailcheck message <file.eml|->`: audits one message as a receiver sees it.
 * read (bounded) → header section and envelope → SPF, DKIM, ARC, DMARC and
 * the domain checks of the domains the message names, concurrently over one
 * resolver → judge (pure) → links to DNS findings and fixes → MessageResult.
 */
import { addressParser } from 'postal-mime';
import type { AuditOptions } from '../context.js';
import type { DnsClient } from '../dns/types.js';
import { createNetClient } from '../net/client.js';
import type { Finding } from '../schema/report.js';
import { tool } from '../run.js';
import { SEVERITY_CAP, checkScore, gradeFor } from '../score.js';
import { severityRank } from '../severity.js';
import { MAX_SIGNATURES, authenticateDkimAndArc, authenticateDmarc, authenticateSpf, domainOf, parseDkimTags } from '../message/authenticate.js';
import { findUnsubscribeLink } from '../message/body.js';
import { createContexts, linkFindings, reverseDnsStatus, runDomainChecks, type JoinPlan } from '../message/dns-join.js';
import { resolveEnvelope } from '../message/envelope.js';
import { decodeUnstructured, firstValue, parseHeaderSection } from '../message/headers.js';
import type { RawMessage } from '../message/read.js';
import { judgeMessage, requirementsOf } from '../message/rules.js';
import { MESSAGE_SCHEMA_VERSION, type DomainChecks, type MessageFinding, type MessageResult, type Requirements } from '../message/schema.js';
import { evaluateProfiles, type CheckView } from '../profiles/evaluate.js';

/** What the command line gives besides the message. */
export interface MessageAuditInput {
  ip?: string;
  helo?: string;
  mailFrom?: string;
  /** Verification time (DKIM x=); default now. */
  now?: Date;
}

/** Every address of the From fields (group members included). */
export function fromAddresses(values: readonly string[]): string[] {
  const addresses: string[] = [];
  for (const value of values) {
    let parsed: ReturnType<typeof addressParser>;
    try {
      parsed = addressParser(value);
    } catch {
      continue;
    }
    for (const entry of parsed) {
      if ('group' in entry && Array.isArray(entry.group)) {
        for (const member of entry.group) if (member.address) addresses.push(member.address);
      } else if ('address' in entry && entry.address) {
        addresses.push(entry.address);
      }
    }
  }
  return addresses.filter((address) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address));
}

/** Audits one prepared message over `dns`. */
export async function auditMessage(
  raw: RawMessage,
  input: MessageAuditInput,
  options: Readonly<AuditOptions>,
  dns: DnsClient,
): Promise<MessageResult> {
  const now = input.now ?? new Date();
  const section = parseHeaderSection(raw.data);
  const fromValues = section.fields.filter((field) => field.key === 'from').map((field) => field.value);
  const addresses = fromAddresses(fromValues);
  // DMARC needs exactly one From domain (RFC 9989 §4.8).
  const fromDomains = [...new Set(addresses.map(domainOf))];
  const fromDomain = fromDomains.length === 1 ? fromDomains[0]! : null;
  const envelope = resolveEnvelope(section.fields, {
    ...(input.ip !== undefined ? { ip: input.ip } : {}),
    ...(input.helo !== undefined ? { helo: input.helo } : {}),
    ...(input.mailFrom !== undefined ? { mailFrom: input.mailFrom } : {}),
  });
  const dkimPlan = new Map<string, string[]>();
  // As many signatures as are verified (MAX_SIGNATURES), so the DNS join stays as bounded as verification.
  for (const field of section.fields.filter((candidate) => candidate.key === 'dkim-signature').slice(0, MAX_SIGNATURES)) {
    const { tags } = parseDkimTags(field.value);
    const domain = (tags.d ?? '').toLowerCase();
    const selector = (tags.s ?? '').toLowerCase();
    if (!domain || !selector) continue;
    const list = dkimPlan.get(domain) ?? [];
    if (!list.includes(selector)) list.push(selector);
    dkimPlan.set(domain, list);
  }
  const mailFromDomain = envelope.mailFrom ? domainOf(envelope.mailFrom) : null;
  const plan: JoinPlan = { fromDomain, mailFromDomain, ip: envelope.ip, dkim: dkimPlan };
  const net = createNetClient(dns, { ...options, offline: true });
  const { contextFor, roles } = createContexts(plan, options, dns, net);

  const [spf, { dkim, arc }, domains, unsubscribeLink] = await Promise.all([
    authenticateSpf(dns, envelope),
    authenticateDkimAndArc(raw.data, section.fields, dns, now),
    runDomainChecks(roles, contextFor, plan, options),
    firstValue(section, 'list-unsubscribe') !== undefined ? findUnsubscribeLink(raw.data, firstValue(section, 'list-unsubscribe')!) : Promise.resolve(null),
  ]);
  const dmarc = await authenticateDmarc(fromDomain, spf, dkim, contextFor);
  const authentication = { spf, dkim, dmarc, arc };
  const hop = envelope.hop;
  const judgeInput = {
    section,
    fromAddresses: addresses,
    authentication,
    unsubscribeLink,
    tls: hop ? hop.tls : null,
    tlsEvidence: hop ? `Received #${hop.index}: from ${hop.helo ?? '?'} [${hop.ip}] by ${hop.by ?? '?'} with ${hop.protocol ?? '?'}` : null,
  };
  const judged: MessageFinding[] = judgeMessage(judgeInput);
  const findings = linkFindings(judged, domains, { fromDomain, spfDomain: spf.domain, ip: envelope.ip, dkim }).sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity),
  );
  const requirements = { ...requirementsOf(judgeInput, findings), reverseDns: reverseDnsStatus(domains, envelope.ip) };
  const complete = spf.result !== 'temperror' && dmarc.result !== 'temperror' && !dkim.some((sig) => sig.result === 'temperror');
  const subject = firstValue(section, 'subject');
  const profiles = options.profiles && options.profiles.length > 0 ? messageProfiles(options.profiles, requirements, domains, fromDomain) : undefined;
  return {
    schemaVersion: MESSAGE_SCHEMA_VERSION,
    kind: 'message',
    tool: tool(),
    input: raw.source.name,
    generatedAt: new Date().toISOString(),
    message: {
      from: addresses[0] ?? null,
      fromDomain,
      mailFrom: envelope.mailFrom,
      mailFromSource: envelope.mailFromSource,
      ip: envelope.ip,
      ipSource: envelope.ipSource,
      helo: envelope.helo,
      heloSource: envelope.heloSource,
      subject: subject !== undefined ? decodeUnstructured(subject) : null,
      messageId: firstValue(section, 'message-id') ?? null,
      date: firstValue(section, 'date') ?? null,
      receivedBy: hop?.by ?? null,
      tls: hop ? hop.tls : null,
      tlsVersion: hop?.tlsVersion ?? null,
      bytes: raw.source.bytes,
      lineEndings: raw.source.lineEndings,
      mboxFromLine: raw.source.mboxFromLine,
    },
    authentication,
    requirements,
    score: messageScore(findings, complete),
    findings,
    fixes: findings
      .filter((finding) => finding.fix !== undefined)
      .map((finding) => ({ ...finding.fix!, findingIds: [finding.id] })),
    dns: { domains, queries: dns.log.filter((entry) => !entry.cached).length, servers: [...dns.servers] },
    ...(profiles ? { profiles } : {}),
  };
}

/**
 * The chosen mailbox-provider profiles judged for this message: what the
 * message shows (SPF and DKIM passing, alignment, one-click unsubscribe,
 * format, TLS, the sending IP's reverse DNS) decides; the rest (DMARC
 * published, key sizes) comes from the DNS checks of the From domain, and the
 * DKIM check of the From domain or else of the first signing domain.
 */
function messageProfiles(ids: readonly string[], requirements: Requirements, domains: readonly DomainChecks[], fromDomain: string | null) {
  const from = domains.find((entry) => entry.domain === fromDomain && entry.roles.includes('from'));
  const checks: CheckView[] = [...(from?.checks ?? [])];
  if (!checks.some((check) => check.id === 'dkim')) {
    const dkim = domains.flatMap((entry) => entry.checks).find((check) => check.id === 'dkim');
    if (dkim) checks.push(dkim);
  }
  return evaluateProfiles(ids, checks, { message: requirements, selected: ids });
}

/**
 * How much each part of the message counts in its score (the findings of a
 * part are scored as a check's are, score.ts): authentication decides
 * delivery, the bulk-sender unsubscribe rules and the format come next.
 */
export const MESSAGE_WEIGHTS = { authentication: 60, unsubscribe: 20, format: 15, transport: 5 } as const;

/** The part of the message a finding id belongs to. */
export function partOf(id: string): keyof typeof MESSAGE_WEIGHTS {
  if (/^message\/(spf|dkim|dmarc|arc)-/.test(id)) return 'authentication';
  if (/^message\/(list-unsubscribe|one-click|unsubscribe)-/.test(id)) return 'unsubscribe';
  if (id === 'message/no-tls') return 'transport';
  return 'format';
}

/** The message's 0–100 score: the weighted parts (penalties as in score.ts), then its severity caps. */
export function messageScore(findings: readonly Finding[], complete: boolean): MessageResult['score'] {
  let total = 0;
  let weights = 0;
  for (const [part, weight] of Object.entries(MESSAGE_WEIGHTS)) {
    const own = findings.filter((finding) => partOf(finding.id) === part);
    total += weight * (checkScore({ status: 'pass', findings: own }) ?? 0);
    weights += weight;
  }
  let value = Math.round((100 * total) / weights);
  for (const finding of findings) {
    const cap = SEVERITY_CAP[finding.severity];
    if (cap !== undefined) value = Math.min(value, cap);
  }
  // The message itself was read: the score always rests on something verified.
  return { value, grade: gradeFor(value), complete, verified: true };
}
