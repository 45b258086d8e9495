/**
 * The DNS side of a message audit: the domain-audit checks that bear on the
 * message (SPF and DMARC of the From domain, SPF of the MAIL FROM domain, the
 * DKIM keys at exactly the selectors the message used, reverse DNS and
 * blocklists of the sending IP), run concurrently over one resolver; and the
 * links from each failed message check to the DNS finding and its fix.
 */
import { blocklistCheck } from '../checks/blocklist/index.js';
import type { CheckDefinition } from '../checks/define.js';
import { dkimCheck, type DkimFacts } from '../checks/dkim/index.js';
import { dmarcCheck } from '../checks/dmarc/index.js';
import { ptrCheck, type PtrFacts } from '../checks/ptr/index.js';
import { spfCheck } from '../checks/spf/index.js';
import { createSharedMemo, type AuditOptions, type CheckContext } from '../context.js';
import type { DnsClient } from '../dns/types.js';
import type { NetClient } from '../net/types.js';
import type { CheckResult, Finding, Fix } from '../schema/report.js';
import { runCheck, skippedCheck } from '../run-check.js';
import type { DkimSignatureResult, DomainChecks, MessageFinding, RequirementStatus } from './schema.js';

/** Which domains the message names, and why. */
export interface JoinPlan {
  fromDomain: string | null;
  mailFromDomain: string | null;
  ip: string | null;
  /** d= → the selectors used with it. */
  dkim: Map<string, string[]>;
}

type Role = DomainChecks['roles'][number];

/** One context per domain, each with the options its checks need, over one resolver. */
export function createContexts(
  plan: JoinPlan,
  base: Readonly<AuditOptions>,
  dns: DnsClient,
  net: NetClient,
): { contextFor: (domain: string) => CheckContext; roles: Map<string, Role[]> } {
  const roles = new Map<string, Role[]>();
  const addRole = (domain: string | null, role: Role) => {
    if (!domain) return;
    const list = roles.get(domain) ?? [];
    if (!list.includes(role)) list.push(role);
    roles.set(domain, list);
  };
  addRole(plan.fromDomain, 'from');
  addRole(plan.mailFromDomain, 'mail-from');
  for (const domain of plan.dkim.keys()) addRole(domain, 'dkim');
  const contexts = new Map<string, CheckContext>();
  const contextFor = (domain: string): CheckContext => {
    let ctx = contexts.get(domain);
    if (!ctx) {
      const options: AuditOptions = {
        ...base,
        ips: plan.ip ? [plan.ip] : [],
        dkimSelectors: plan.dkim.get(domain) ?? [],
        dkimSelectorsOnly: true,
      };
      ctx = { domain, options, dns, net, shared: createSharedMemo() };
      contexts.set(domain, ctx);
    }
    return ctx;
  };
  return { contextFor, roles };
}

/** Runs the checks each domain's roles call for. */
export async function runDomainChecks(
  roles: ReadonlyMap<string, Role[]>,
  contextFor: (domain: string) => CheckContext,
  plan: JoinPlan,
  base: Readonly<AuditOptions>,
): Promise<DomainChecks[]> {
  return Promise.all(
    [...roles.entries()].map(async ([domain, domainRoles]) => {
      const checks: CheckDefinition[] = [];
      const want = (check: CheckDefinition) => {
        if (!checks.includes(check)) checks.push(check);
      };
      if (domainRoles.includes('from') || domainRoles.includes('mail-from')) want(spfCheck as unknown as CheckDefinition);
      if (domainRoles.includes('from')) want(dmarcCheck as unknown as CheckDefinition);
      if (domainRoles.includes('dkim')) want(dkimCheck as unknown as CheckDefinition);
      if (domainRoles.includes('from') && plan.ip) {
        want(ptrCheck as unknown as CheckDefinition);
        want(blocklistCheck as unknown as CheckDefinition);
      }
      const ctx = contextFor(domain);
      const results: CheckResult[] = await Promise.all(
        checks.map((check) =>
          // As in the domain audit: offline (no replay), blocklists are not asked.
          check.id === 'blocklist' && base.offline && !base.replay
            ? Promise.resolve(skippedCheck(check, "offline: blocklist lookups ask the lists' own DNS servers"))
            : runCheck(check, ctx),
        ),
      );
      const finalRoles: Role[] = [...domainRoles];
      if (domainRoles.includes('from') && plan.ip) finalRoles.push('ip');
      return { domain, roles: finalRoles, checks: results };
    }),
  );
}

function checkOf(domains: readonly DomainChecks[], domain: string | null, checkId: string): CheckResult | undefined {
  if (!domain) return undefined;
  return domains.find((entry) => entry.domain === domain)?.checks.find((check) => check.id === checkId);
}

function dnsFinding(check: CheckResult | undefined, ids: readonly string[]): Finding | undefined {
  return check?.findings.find((finding) => ids.includes(finding.id));
}

/** A key record to publish at a selector, with its placeholder explained. */
function keyFix(summary: string, name: string, keyType: string, current: string | null, notes: string[]): Fix {
  return {
    summary,
    records: [
      current !== null
        ? { action: 'replace', name, type: 'TXT', value: `v=DKIM1; k=${keyType}; p=<PUBLIC-KEY-BASE64>`, current }
        : { action: 'add', name, type: 'TXT', value: `v=DKIM1; k=${keyType}; p=<PUBLIC-KEY-BASE64>` },
    ],
    placeholders: { 'PUBLIC-KEY-BASE64': 'The public key of the private key the sender signs with: base64 of its DER SubjectPublicKeyInfo (RSA) or the raw 32-octet key (ed25519), on one line.' },
    notes,
  };
}

/** What a failing signature needs, in DNS terms. */
function linkSignature(finding: MessageFinding, sig: DkimSignatureResult, domains: readonly DomainChecks[]): void {
  const name = `${sig.selector}._domainkey.${sig.domain}`;
  const dkim = checkOf(domains, sig.domain, 'dkim');
  const dnsSide = dnsFinding(dkim, ['dkim/not-found', 'dkim/invalid-record', 'dkim/revoked-key', 'dkim/insecure-key', 'dkim/sha1-only']);
  if (dkim) finding.related = [{ domain: sig.domain, checkId: 'dkim', ...(dnsSide ? { findingId: dnsSide.id } : {}) }];
  const keyType = sig.keyType === 'ed25519' ? 'ed25519' : 'rsa';
  // dkim/not-found's own fix is a step at the sending service; for a signature that names its selector the key record is known.
  if (dnsSide?.fix && dnsSide.id !== 'dkim/not-found') {
    finding.fix = dnsSide.fix;
  } else if (sig.comment === 'no key' || dnsSide?.id === 'dkim/not-found') {
    finding.fix = keyFix(`Publish the DKIM key for selector ${sig.selector} at ${name}`, name, keyType, null, [
      'RFC 6376 §3.6.2.1: the verifier looks up the key at <selector>._domainkey.<d=>.',
    ]);
  } else if (sig.bodyHash === 'pass' && sig.signature === 'fail') {
    // The body is intact and the key answers, but it is not the signing key: rotated on one side only.
    const published = (dkim?.facts as Partial<DkimFacts> | undefined)?.keys?.find((key) => key.selector === sig.selector);
    finding.fix = keyFix(`If the signing key was rotated, publish its public key at ${name}`, name, keyType, published?.record ?? sig.keyRecord, [
      'The body hash verifies but the signature does not: either a signed header field changed in transit, or the key published at the selector is not the one the sender signs with (a rotation done on one side only).',
      'Alternatively configure the sender to sign with the private key that matches the published record.',
    ]);
  } else if (sig.bodyHash === 'fail') {
    finding.fix = {
      summary: 'Sign after the last change to the body',
      notes: [
        'The body hash (bh=) does not match: the body changed after signing (a footer or disclaimer added by a gateway, a re-encoding, changed line endings). No DNS record fixes this.',
      ],
    };
  }
}

/** Adds `related` and `fix` to the message findings from the DNS checks (mutates and returns them). */
export function linkFindings(
  findings: MessageFinding[],
  domains: readonly DomainChecks[],
  context: { fromDomain: string | null; spfDomain: string | null; ip: string | null; dkim: DkimSignatureResult[] },
): MessageFinding[] {
  for (const finding of findings) {
    switch (finding.id) {
      case 'message/spf-fail':
      case 'message/spf-none': {
        const spf = checkOf(domains, context.spfDomain, 'spf');
        const dnsSide = dnsFinding(spf, ['spf/ip-not-authorized', 'spf/missing', 'spf/syntax-error', 'spf/too-many-lookups', 'spf/multiple-records', 'spf/include-missing', 'spf/loop']);
        if (spf && context.spfDomain) finding.related = [{ domain: context.spfDomain, checkId: 'spf', ...(dnsSide ? { findingId: dnsSide.id } : {}) }];
        if (dnsSide?.fix) finding.fix = dnsSide.fix;
        break;
      }
      case 'message/dmarc-missing': {
        const dmarc = checkOf(domains, context.fromDomain, 'dmarc');
        const dnsSide = dnsFinding(dmarc, ['dmarc/missing', 'dmarc/multiple-records', 'dmarc/syntax-error']);
        if (dmarc && context.fromDomain) finding.related = [{ domain: context.fromDomain, checkId: 'dmarc', ...(dnsSide ? { findingId: dnsSide.id } : {}) }];
        if (dnsSide?.fix) finding.fix = dnsSide.fix;
        break;
      }
      case 'message/dmarc-fail': {
        if (!context.fromDomain) break;
        finding.fix = {
          summary: `Make SPF or DKIM pass for a domain aligned with ${context.fromDomain}`,
          notes: [
            `Sign with DKIM using d=${context.fromDomain} (or a subdomain), or send with a MAIL FROM under ${context.fromDomain} whose SPF authorises the sending IP.`,
            'The SPF and DKIM findings of this message give the records to change.',
          ],
        };
        break;
      }
      case 'message/dkim-unaligned':
      case 'message/dkim-missing': {
        if (!context.fromDomain) break;
        const name = `<SELECTOR>._domainkey.${context.fromDomain}`;
        finding.fix = {
          ...keyFix(`Sign with d=${context.fromDomain} and publish its key`, name, 'rsa', null, [
            `RFC 9989 §4.4: the signing domain must be ${context.fromDomain} or share its Organizational Domain.`,
          ]),
          placeholders: {
            SELECTOR: 'The selector the signer uses (s=).',
            'PUBLIC-KEY-BASE64': 'The public key of the signing key: base64 of its DER SubjectPublicKeyInfo, 2048-bit RSA, on one line.',
          },
        };
        break;
      }
      case 'message/spf-unaligned': {
        if (!context.fromDomain) break;
        finding.fix = {
          summary: `Send with a MAIL FROM (bounce address) under ${context.fromDomain}`,
          records: [
            { action: 'add', name: `<BOUNCE-SUBDOMAIN>.${context.fromDomain}`, type: 'TXT', value: `v=spf1 ${context.ip ? `${context.ip.includes(':') ? 'ip6' : 'ip4'}:${context.ip}` : '<SENDING-IPS>'} -all` },
          ],
          placeholders: { 'BOUNCE-SUBDOMAIN': 'The subdomain used as return path (e.g. bounce), set at the sending service.' },
        };
        break;
      }
      case 'message/one-click-unsigned': {
        finding.fix = {
          summary: 'Add List-Unsubscribe and List-Unsubscribe-Post to the h= list of the DKIM signature',
          notes: ['RFC 8058 §4: both fields must be covered by a valid DKIM signature; configure the signer to include them.'],
        };
        break;
      }
      default:
        break;
    }
  }
  for (const sig of context.dkim) {
    const tag = `d=${sig.domain} s=${sig.selector}`;
    const finding = findings.find((candidate) => candidate.id === 'message/dkim-fail' && candidate.message.includes(`${tag}:`));
    if (finding) linkSignature(finding, sig, domains);
  }
  return findings;
}

/** Forward-confirmed reverse DNS of the sending IP, from the joined ptr check's facts. */
export function reverseDnsStatus(domains: readonly DomainChecks[], ip: string | null): RequirementStatus {
  if (ip === null) return 'unknown';
  for (const entry of domains) {
    const ptr = entry.checks.find((check) => check.id === 'ptr');
    const addresses = (ptr?.facts as Partial<PtrFacts> | undefined)?.addresses ?? [];
    const own = addresses.find((address) => address.sending && address.ip === ip);
    if (!own) continue;
    if (own.outcome === 'confirmed') return 'pass';
    if (own.outcome === 'mismatch' || own.outcome === 'missing') return 'fail';
    return 'unknown';
  }
  return 'unknown';
}
