/**
 * Authentication of one message as a receiver computes it, with RFC 8601
 * result words: SPF (RFC 7208) with mailcheck's own check_host(), DKIM
 * (RFC 6376, RFC 8463) and ARC (RFC 8617) cryptography by mailauth through
 * mailcheck's resolver adapter, DMARC (RFC 9989) with mailcheck's own policy
 * discovery, so that a message audit and a domain audit never disagree.
 */
import type { CheckContext } from '../context.js';
import type { DnsClient } from '../dns/types.js';
import { toMailauthResolver } from '../dns/mailauth-resolver.js';
import { getDmarcPolicy, type DmarcPolicy } from '../lookups/dmarc.js';
import { parseDkimRecord } from '../dkim/record.js';
import { splitTagList } from '../tag-list.js';
import { checkHost } from '../spf/evaluate.js';
import type { Envelope } from './envelope.js';
import type { DkimSignatureResult, DmarcResult, SpfResult, ArcResult, Alignment } from './schema.js';
import type { HeaderField } from './headers.js';

/** What the DKIM-Signature field itself says (RFC 6376 §3.5), read without verifying. */
export interface DkimTags {
  tags: Record<string, string>;
  /** h=: the signed header field names, lower case, in order (duplicates kept: over-signing). */
  headers: string[];
}

/** Splits a DKIM-Signature value into its tags (RFC 6376 §3.2 tag-list; white space inside values removed where FWS is allowed). */
export function parseDkimTags(value: string): DkimTags {
  const tags: Record<string, string> = {};
  for (const field of splitTagList(value)) {
    if (field.kind !== 'tag') continue;
    const name = field.name.toLowerCase();
    if (name in tags) continue;
    // RFC 6376 §3.5: b=, bh=, h= and z= may be folded anywhere; white space in them is not part of the value.
    const folded = name === 'b' || name === 'bh' || name === 'h' || name === 'z';
    tags[name] = field.value.replace(/\s+/g, folded ? '' : ' ').trim();
  }
  const headers = (tags.h ?? '').split(':').map((name) => name.trim().toLowerCase()).filter(Boolean);
  return { tags, headers };
}

/** A CheckContext per domain, shared by the authentication and the DNS join (one memo each, one resolver). */
export type ContextFor = (domain: string) => CheckContext;

/** The domain part of an address, lower case. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase().replace(/\.$/, '');
}

/** SPF for the envelope (RFC 7208 §2.3, §2.4): MAIL FROM, or HELO when MAIL FROM is the null path. */
export async function authenticateSpf(dns: DnsClient, envelope: Envelope): Promise<SpfResult> {
  const nullPath = envelope.mailFrom === '';
  const identity = nullPath ? 'helo' : 'mailfrom';
  const domain = nullPath ? (envelope.helo ?? null) : envelope.mailFrom ? domainOf(envelope.mailFrom) : null;
  const base = { identity, domain, ip: envelope.ip } as const;
  if (envelope.ip === null || domain === null) {
    const missing = [envelope.ip === null ? 'the connecting IP (--ip)' : null, domain === null ? 'the MAIL FROM (--mail-from)' : null]
      .filter(Boolean)
      .join(' and ');
    return { ...base, result: 'needs-input', reason: `${missing} unknown: not in a Received or Return-Path field of the message` };
  }
  // RFC 7208 §2.4: with the null reverse-path the sender is postmaster@<HELO>.
  const sender = nullPath ? `postmaster@${domain}` : envelope.mailFrom!;
  const outcome = await checkHost(dns, { ip: envelope.ip, domain, sender, helo: envelope.helo ?? domain });
  return {
    ...base,
    result: outcome.result,
    ...(outcome.mechanism !== undefined ? { mechanism: outcome.mechanism } : {}),
    ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
    lookups: outcome.lookups,
  };
}

/** mailauth's per-signature result (the fields read here; its typings declare fewer). */
interface MailauthDkimRow {
  signingDomain?: string;
  selector?: string;
  signature?: string;
  algo?: string;
  bodyHash?: string;
  bodyHashExpecting?: string;
  status: { result: string; comment?: string };
  modulusLength?: number;
  rr?: string;
  canonBodyLength?: number;
  canonBodyLengthTotal?: number;
}

/** Runs mailauth's verifier while keeping its stray console output (an l= debug line) off our stdout. */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => undefined;
  try {
    return await work();
  } finally {
    console.log = log;
  }
}

/** Most DKIM-Signature fields verified in one message. */
export const MAX_SIGNATURES = 20;

/** DKIM and ARC of a CRLF message; `now` is the verification time (x= expiry, RFC 6376 §3.5). */
export async function authenticateDkimAndArc(
  data: Buffer,
  fields: readonly HeaderField[],
  dns: DnsClient,
  now: Date,
): Promise<{ dkim: DkimSignatureResult[]; arc: ArcResult }> {
  const signatures = fields.filter((field) => field.key === 'dkim-signature');
  if (signatures.length > MAX_SIGNATURES) {
    // RFC 6376 §6.1: a verifier MAY limit the signatures it verifies; a flood of them must not become a flood of DNS queries.
    return {
      dkim: signatures.map((field) => ({
        ...signatureResult(parseDkimTags(field.value), new Map(), now),
        result: 'permerror' as const,
        comment: `not verified: the message carries ${signatures.length} signatures, more than the ${MAX_SIGNATURES} verified`,
      })),
      arc: { result: 'none', instances: 0, comment: 'not verified: too many signatures' },
    };
  }
  const resolver = toMailauthResolver(dns);
  const [{ dkimVerify }, { arc }] = await Promise.all([import('mailauth/lib/dkim/verify.js'), import('mailauth/lib/arc/index.js')]);
  const verified = await quietly(() => dkimVerify(data, { resolver, curTime: now }));
  const rows = (verified.results as unknown as MailauthDkimRow[]).filter((row) => row.signature !== undefined);
  const bySignature = new Map(rows.map((row) => [row.signature!.replace(/\s+/g, ''), row]));
  const dkim: DkimSignatureResult[] = fields
    .filter((field) => field.key === 'dkim-signature')
    .map((field) => signatureResult(parseDkimTags(field.value), bySignature, now));

  let arcResult: ArcResult = { result: 'none', instances: 0 };
  const chain = (verified as unknown as { arc?: { chain?: unknown } }).arc;
  if (chain && chain.chain) {
    const outcome = (await quietly(() => arc(chain as never, { resolver } as never))) as unknown as {
      status: { result: string; comment?: string };
      i?: number | false;
    };
    arcResult = {
      result: outcome.status.result === 'pass' ? 'pass' : outcome.status.result === 'fail' ? 'fail' : 'none',
      instances: typeof outcome.i === 'number' ? outcome.i : 0,
      ...(outcome.status.comment ? { comment: outcome.status.comment } : {}),
    };
  } else if (fields.some((field) => field.key.startsWith('arc-'))) {
    arcResult = { result: 'fail', instances: 0, comment: 'ARC header fields do not form a chain' };
  }
  return { dkim, arc: arcResult };
}

const DKIM_WORDS = new Set(['pass', 'fail', 'neutral', 'policy', 'temperror', 'permerror', 'none']);

function signatureResult(parsed: DkimTags, rows: ReadonlyMap<string, MailauthDkimRow>, now: Date): DkimSignatureResult {
  const { tags, headers } = parsed;
  const row = rows.get((tags.b ?? '').replace(/\s+/g, ''));
  const algorithm = tags.a ?? null;
  const expiresAt = tags.x && /^\d+$/.test(tags.x) ? new Date(Number(tags.x) * 1000) : null;
  const signedAt = tags.t && /^\d+$/.test(tags.t) ? new Date(Number(tags.t) * 1000) : null;
  let bits: number | null = row?.modulusLength ?? null;
  let keyType: string | null = algorithm ? algorithm.split('-')[0]!.toLowerCase() : null;
  if (row?.rr) {
    const record = parseDkimRecord(row.rr);
    bits = record.key?.bits ?? bits;
    keyType = record.key?.type ?? keyType;
  }
  const bodyHash = !row ? 'not-checked' : row.bodyHash !== undefined && row.bodyHash === row.bodyHashExpecting ? 'pass' : 'fail';
  const rawResult = row?.status.result ?? 'permerror';
  const result = (DKIM_WORDS.has(rawResult) ? rawResult : 'neutral') as DkimSignatureResult['result'];
  const comment = row ? (row.status.comment ?? null) : 'not processed: unsupported a= or c=, or d= or s= missing (RFC 6376 §6.1.1)';
  return {
    domain: (tags.d ?? '').toLowerCase(),
    selector: tags.s ?? '',
    algorithm,
    keyType,
    bits,
    result,
    comment,
    bodyHash,
    signature: bodyHash !== 'pass' ? 'not-checked' : result === 'pass' ? 'pass' : comment === 'bad signature' ? 'fail' : 'not-checked',
    headers,
    bodyLength: tags.l !== undefined && /^\d+$/.test(tags.l) ? Number(tags.l) : null,
    bodyLengthTotal: row?.canonBodyLengthTotal ?? null,
    signedAt: signedAt ? signedAt.toISOString() : null,
    expiresAt: expiresAt ? expiresAt.toISOString() : null,
    expired: expiresAt !== null && expiresAt.getTime() < now.getTime(),
    keyRecord: row?.rr ?? null,
    aligned: null,
  };
}

/** RFC 9989 §4.4 (RFC 7489 §3.1): strict is an exact match, relaxed the same Organizational Domain. */
export function aligned(mode: 'r' | 's', domain: string, fromDomain: string, orgOf: (name: string) => string): boolean {
  if (domain === fromDomain) return true;
  return mode === 'r' && orgOf(domain) === orgOf(fromDomain);
}

/** One step lower for t=y (RFC 9989 §4.7 t): reject as quarantine, quarantine as none. */
function lowered(policy: 'none' | 'quarantine' | 'reject'): 'none' | 'quarantine' | 'reject' {
  return policy === 'reject' ? 'quarantine' : 'none';
}

/** DMARC for the From domain (RFC 9989 §4.8-§4.10), from the SPF and DKIM results. */
export async function authenticateDmarc(
  fromDomain: string | null,
  spf: SpfResult,
  dkim: DkimSignatureResult[],
  contextFor: ContextFor,
): Promise<DmarcResult> {
  const none: Alignment = { spf: 'none', dkim: 'none' };
  if (fromDomain === null) {
    // RFC 9989 §4.8 / RFC 7489 §6.6.1: without exactly one RFC5322.From domain there is nothing to evaluate.
    return { result: 'permerror', domain: null, policy: null, disposition: null, alignment: none, reason: 'the message does not have exactly one From domain' };
  }
  const policy = await getDmarcPolicy(contextFor(fromDomain));
  const domains = new Set<string>([...dkim.map((sig) => sig.domain).filter(Boolean), ...(spf.domain ? [spf.domain] : [])]);
  const orgs = new Map<string, DmarcPolicy>();
  await Promise.all(
    [...domains].filter((name) => name !== fromDomain).map(async (name) => orgs.set(name, await getDmarcPolicy(contextFor(name)))),
  );
  const orgOf = (name: string) => (name === fromDomain ? policy.organizationalDomain : (orgs.get(name)?.organizationalDomain ?? name));
  const adkim = policy.parsed?.adkim ?? 'r';
  const aspf = policy.parsed?.aspf ?? 'r';
  for (const sig of dkim) sig.aligned = sig.domain !== '' && aligned(adkim, sig.domain, fromDomain, orgOf);
  // RFC 9989 §4.4.2: the SPF-authenticated identifier is the MAIL FROM domain; a HELO result never aligns.
  const spfAligned = spf.domain !== null && spf.identity === 'mailfrom' && aligned(aspf, spf.domain, fromDomain, orgOf);
  const alignment: Alignment = {
    spf: spf.result === 'pass' && spf.identity === 'mailfrom' ? (spfAligned ? 'pass' : 'fail') : spf.result === 'needs-input' ? 'unknown' : 'none',
    dkim: dkim.some((sig) => sig.result === 'pass') ? (dkim.some((sig) => sig.result === 'pass' && sig.aligned) ? 'pass' : 'fail') : 'none',
  };
  const base = {
    domain: fromDomain,
    policy: policy.policy,
    source: policy.source,
    record: policy.record,
    recordName: policy.recordName,
    organizationalDomain: policy.organizationalDomain,
    mode: { spf: aspf === 's' ? 'strict' : 'relaxed', dkim: adkim === 's' ? 'strict' : 'relaxed' },
    alignment,
  } as const;
  if (policy.inconclusive !== undefined) {
    return { ...base, result: 'temperror', disposition: null, reason: `DMARC discovery failed: ${policy.inconclusive}` };
  }
  if (policy.policy === null) return { ...base, result: 'none', disposition: null, reason: `no DMARC policy applies to ${fromDomain}` };
  const pass = alignment.spf === 'pass' || alignment.dkim === 'pass';
  if (pass) return { ...base, result: 'pass', disposition: 'none' };
  const temporary = spf.result === 'temperror' || dkim.some((sig) => sig.result === 'temperror');
  if (temporary) return { ...base, result: 'temperror', disposition: null, reason: 'an SPF or DKIM lookup failed temporarily' };
  if (spf.result === 'needs-input' && alignment.dkim !== 'pass') {
    return { ...base, result: 'unknown', disposition: null, reason: 'no aligned DKIM pass, and SPF needs the connecting IP and MAIL FROM' };
  }
  // RFC 9989 §4.7 t=y: the receiver applies one policy level lower.
  const disposition = policy.testing ? lowered(policy.policy) : policy.policy;
  return { ...base, result: 'fail', disposition };
}
