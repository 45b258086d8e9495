/**
 * The verdict on one list row, from its parsed address, what DNS said about
 * its domain and whether an earlier row had the same address. Pure: the DNS
 * facts come in as data.
 *
 * `invalid`: mail to this row cannot be delivered (or the row repeats an
 * earlier one); `risky`: it may be delivered but should be looked at
 * (disposable, role, likely typo, unverified); `ok`: nothing found.
 */
import { createRequire } from 'node:module';
import type { AddressParseResult } from './address.js';
import type { DomainFacts } from './domain-facts.js';

const require = createRequire(import.meta.url);
const mailchecker = require('mailchecker') as { blacklist(): Set<string> };
const spellChecker = require('@zootools/email-spell-checker') as {
  run(options: { email: string }): { domain: string } | undefined;
  POPULAR_DOMAINS: string[];
  POPULAR_TLDS: string[];
};
const POPULAR_DOMAINS: ReadonlySet<string> = new Set(spellChecker.POPULAR_DOMAINS);
const POPULAR_TLDS: ReadonlySet<string> = new Set(spellChecker.POPULAR_TLDS);

/** A row's overall verdict. */
export type Verdict = 'ok' | 'risky' | 'invalid';

/** Reason ids that make a row invalid. */
export const INVALID_REASONS = ['syntax', 'domain-not-found', 'null-mx', 'no-mail-host', 'duplicate'] as const;
/** Reason ids that make a row risky. */
export const RISKY_REASONS = ['disposable', 'role', 'typo', 'implicit-mx', 'address-literal', 'smtputf8', 'dns-error'] as const;
/** Every reason id, invalid ones first. */
export const LIST_REASONS = [...INVALID_REASONS, ...RISKY_REASONS] as const;
export type ListReason = (typeof LIST_REASONS)[number];

const INVALID: ReadonlySet<string> = new Set(INVALID_REASONS);

/**
 * Role local parts: mailboxes of a function, not a person. RFC 2142 §§3–5
 * names the required ones (postmaster, abuse, hostmaster, webmaster, …); the
 * rest are the common functional and no-reply names. Mail to them reaches
 * groups or nobody, and complaints from them weigh on a sender.
 */
export const ROLE_LOCAL_PARTS: ReadonlySet<string> = new Set([
  // RFC 2142 §3 (business), §4 (network operations), §5 (services).
  'info', 'marketing', 'sales', 'support', 'abuse', 'noc', 'security', 'postmaster', 'hostmaster', 'usenet', 'news',
  'webmaster', 'www', 'uucp', 'ftp',
  // Common functional and unattended mailboxes.
  'admin', 'administrator', 'billing', 'contact', 'help', 'hello', 'office', 'team', 'jobs', 'careers', 'hr', 'press',
  'media', 'mail', 'root', 'list', 'lists', 'newsletter', 'privacy', 'legal', 'accounts', 'enquiries', 'inquiries',
  'noreply', 'no-reply', 'donotreply', 'do-not-reply', 'mailer-daemon', 'bounce', 'bounces',
]);

/** Whether the domain or one of its parents is on the disposable-address list. */
export function isDisposableDomain(domain: string): boolean {
  const list = mailchecker.blacklist();
  for (let name = domain; name.includes('.'); name = name.slice(name.indexOf('.') + 1)) {
    if (list.has(name)) return true;
  }
  return false;
}

const tldOf = (domain: string) => domain.slice(domain.lastIndexOf('.') + 1);

/**
 * The common mailbox domain `domain` is likely a typo of, if any. The spell
 * checker's suggestion is kept when it is one of its popular mailbox domains
 * (`gmial.com`, `gmail.con`), or when only the name before a well-known TLD
 * changed (`hotmial.com`); a guess that rewrites an unknown TLD
 * (`shop.test` → `shop.de`), or one the name merely ends with (`acme.com` →
 * `me.com`), says nothing about a typo and is dropped.
 */
export function typoSuggestion(domain: string): string | undefined {
  if (POPULAR_DOMAINS.has(domain)) return undefined;
  const suggested = spellChecker.run({ email: `x@${domain}` })?.domain;
  if (!suggested || suggested === domain) return undefined;
  // A name that merely ends with a popular domain (`acme.com`, `0-mail.com`) is another domain, not a slip of the keyboard.
  if (domain.endsWith(suggested)) return undefined;
  if (POPULAR_DOMAINS.has(suggested)) return suggested;
  const tld = tldOf(domain);
  return POPULAR_TLDS.has(tld) && tldOf(suggested) === tld ? suggested : undefined;
}

/** Whether a local part names a role (compared without a +tag, case-insensitively). */
export function isRoleLocalPart(localPart: string): boolean {
  const bare = localPart.toLowerCase().split('+')[0]!;
  return ROLE_LOCAL_PARTS.has(bare);
}

/** The judged row. */
export interface RowJudgement {
  verdict: Verdict;
  reasons: ListReason[];
  /** The address with the suggested domain, for `typo`. */
  suggestion?: string;
  /** What is wrong with the syntax, or which DNS question failed. */
  detail?: string;
}

/** What the judge needs about a domain besides DNS (memoized per domain by the caller). */
export interface DomainTraits {
  disposable: boolean;
  /** Suggested domain, when this one looks like a typo of a common one. */
  typoOf?: string;
}

/** The traits of a domain that need no DNS. */
export function domainTraits(domain: string): DomainTraits {
  const typoOf = typoSuggestion(domain);
  return { disposable: isDisposableDomain(domain), ...(typoOf ? { typoOf } : {}) };
}

/** Judges one row. `facts` and `traits` are undefined for rows that did not parse or have an address literal. */
export function judgeRow(
  parsed: AddressParseResult,
  context: { duplicate: boolean; facts?: DomainFacts; traits?: DomainTraits },
): RowJudgement {
  const reasons: ListReason[] = [];
  let detail: string | undefined;
  let suggestion: string | undefined;
  if (!parsed.ok) {
    return { verdict: 'invalid', reasons: ['syntax'], detail: parsed.problem.detail };
  }
  const address = parsed.value;
  if (context.duplicate) reasons.push('duplicate');
  if (address.literal) reasons.push('address-literal');
  const facts = context.facts;
  if (facts) {
    switch (facts.state) {
      case 'nxdomain':
        reasons.push('domain-not-found');
        break;
      case 'null-mx':
        reasons.push('null-mx');
        break;
      case 'no-mail-host':
        reasons.push('no-mail-host');
        break;
      case 'implicit-mx':
        reasons.push('implicit-mx');
        break;
      case 'dns-error':
        // A failed lookup proves nothing either way: unverified, never "does not exist".
        reasons.push('dns-error');
        if (facts.dnsError) detail = facts.dnsError;
        break;
      case 'mx':
        break;
    }
  }
  const traits = context.traits;
  if (traits?.disposable) reasons.push('disposable');
  if (isRoleLocalPart(address.localPart)) reasons.push('role');
  if (traits?.typoOf) {
    reasons.push('typo');
    suggestion = `${address.localPart}@${traits.typoOf}`;
  }
  // RFC 6531 §3.2: a UTF-8 local part needs SMTPUTF8 on every hop, which many servers lack.
  if (address.utf8) reasons.push('smtputf8');
  const ordered = LIST_REASONS.filter((reason) => reasons.includes(reason));
  const verdict: Verdict = ordered.some((reason) => INVALID.has(reason)) ? 'invalid' : ordered.length > 0 ? 'risky' : 'ok';
  return { verdict, reasons: ordered, ...(suggestion ? { suggestion } : {}), ...(detail ? { detail } : {}) };
}
