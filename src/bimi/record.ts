/**
 * BIMI Assertion Record parsing (pure), per
 * draft-brand-indicators-for-message-identification (revision 10) §4.3.
 * The record uses DKIM's tag-value syntax (RFC 6376 §3.2).
 */
import { isTagName, splitTagList } from '../tag-list.js';

/** One `name=value` pair as written. */
export interface BimiTag {
  name: string;
  value: string;
}

export interface BimiRecord {
  /** The record text (character-strings joined, BIMI §4 → RFC 7208 §3.3). */
  raw: string;
  /** Every tag in record order. */
  tags: BimiTag[];
  /** Problems that make the record invalid; empty when it is valid. */
  errors: string[];
  /** `l=`: the logo location; '' when empty (declination), undefined when absent. */
  location?: string;
  /** `a=`: the evidence (VMC/CMC) location; '' when empty or absent (BIMI §4.3: absent means empty). */
  evidence: string;
  /** `l=` is a usable https URL. */
  locationValid: boolean;
  /** `a=` is a usable https URL. */
  evidenceValid: boolean;
  /** `avp=` when valid (`brand` by default). */
  avatarPreference: 'brand' | 'personal';
  /** `lps=true`. */
  localPartSelectors: boolean;
  /** Both `l=` and `a=` empty: an explicit declination to publish (BIMI §4.3.1). */
  declined: boolean;
}

/**
 * True when a TXT record is a BIMI record: its first tag is `v=BIMI1`, exactly
 * (BIMI §4.3: "It MUST be the first tag"; §7.2 step 4: other records are discarded).
 */
export function isBimiRecord(text: string): boolean {
  return /^v[ \t]*=[ \t]*BIMI1[ \t]*(?:;|$)/.test(text);
}

/**
 * True when a TXT record was evidently meant as a BIMI record but is not one
 * (`v=BIMI1` present but not first, or written in another case): receivers
 * discard it, which its owner will want to know.
 */
export function looksLikeBimi(text: string): boolean {
  return !isBimiRecord(text) && /(^|;)\s*v\s*=\s*bimi/i.test(text);
}

/** Why a near-BIMI record is discarded. */
export function nearMissProblem(text: string): string {
  if (/^\s*v\s*=\s*bimi1\s*(;|$)/i.test(text)) return 'the version must be written exactly "v=BIMI1" (BIMI §4.3: no case or spacing fixes)';
  if (/^\s*v\s*=/i.test(text)) return 'the version must be BIMI1';
  return 'v=BIMI1 must be the first tag (BIMI §4.3)';
}

/** Checks one URI tag value: a single https URI with a host name (BIMI §4.3 `a=` and `l=`). */
export function uriProblem(value: string): string | undefined {
  if (value.includes(',')) return 'must be a single URI (commas must be percent-encoded)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a valid URI';
  }
  if (url.protocol !== 'https:') return `must use https (found ${url.protocol.replace(/:$/, '')})`;
  // BIMI §4.3: "MUST contain a fully qualified domain name".
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(url.hostname)) return 'must name a fully qualified host';
  return undefined;
}

/** Parses a BIMI record (one that `isBimiRecord` accepts, or a near miss for its problems). */
export function parseBimiRecord(raw: string): BimiRecord {
  const errors: string[] = [];
  const tags: BimiTag[] = [];
  // A trailing ";" is allowed (RFC 6376 §3.2); splitTagList drops the empty field it leaves.
  for (const field of splitTagList(raw)) {
    if (field.kind === 'empty') {
      errors.push('empty tag between two ";"');
      continue;
    }
    if (field.kind === 'malformed') {
      errors.push(`malformed tag "${field.text}" (expected name=value)`);
      continue;
    }
    if (!isTagName(field.name)) {
      errors.push(`malformed tag name "${field.name}"`);
      continue;
    }
    tags.push({ name: field.name, value: field.value });
  }
  if (!isBimiRecord(raw)) errors.push(nearMissProblem(raw));
  // RFC 6376 §3.2: "Tags with duplicate names MUST NOT occur within a single tag-list".
  const seen = new Set<string>();
  for (const tag of tags) {
    if (seen.has(tag.name)) errors.push(`duplicate tag ${tag.name}=`);
    seen.add(tag.name);
  }
  const first = (name: string) => tags.find((tag) => tag.name === name)?.value;

  const location = first('l');
  const evidence = first('a') ?? '';
  // BIMI §4.3: l= is REQUIRED (its value may be empty to decline).
  if (location === undefined) errors.push('the l= tag is missing (it is required, even if empty)');
  const declined = location === '' && evidence === '';
  let locationValid = false;
  if (location !== undefined && location !== '') {
    const problem = uriProblem(location);
    if (problem) errors.push(`l=${location} ${problem}`);
    else if (/\.(png|jpe?g|gif|webp|bmp|ico|tiff?|avif|heic)$/i.test(new URL(location).pathname)) {
      // BIMI §4.3.2: an l= URI ending with another image format's suffix is a permanent error; only SVG/SVGZ.
      errors.push(`l=${location} names a non-SVG image (BIMI §4.3.2 allows SVG and SVGZ only)`);
    } else locationValid = true;
  } else if (location === '' && evidence !== '') {
    // BIMI §7.3 step 1: without a valid l= indicator discovery fails.
    errors.push('l= is empty while a= is set: receivers need the logo location');
  }
  let evidenceValid = false;
  if (evidence !== '') {
    const problem = uriProblem(evidence);
    if (problem) errors.push(`a=${evidence} ${problem}`);
    else evidenceValid = true;
  }
  const avp = first('avp');
  let avatarPreference: 'brand' | 'personal' = 'brand';
  if (avp !== undefined) {
    // BIMI §4.3: avp is "personal" or "brand"; a receiver MAY treat another value as a failing record.
    if (avp === 'personal' || avp === 'brand') avatarPreference = avp;
    else errors.push(`avp=${avp} is not "brand" or "personal"`);
  }
  const lps = first('lps');
  if (lps !== undefined && lps !== 'true' && lps !== 'false') errors.push(`lps=${lps} is not "true" or "false"`);

  return {
    raw,
    tags,
    errors,
    ...(location !== undefined ? { location } : {}),
    evidence,
    locationValid,
    evidenceValid,
    avatarPreference,
    localPartSelectors: lps === 'true',
    declined,
  };
}

/**
 * The record to publish in place of an invalid one: `v=BIMI1` first, the
 * valid `l=`/`a=` kept, placeholders for the ones that must be replaced, other
 * valid tags kept.
 */
export function correctedRecord(record: BimiRecord, placeholders: { logo: string; evidence: string }): string {
  const parts = ['v=BIMI1', `l=${record.locationValid ? (record.location ?? '') : placeholders.logo}`];
  if (record.evidenceValid) parts.push(`a=${record.evidence}`);
  else if (record.evidence !== '') parts.push(`a=${placeholders.evidence}`);
  const lps = record.tags.find((tag) => tag.name === 'lps')?.value;
  if (lps === 'true') parts.push('lps=true');
  const avp = record.tags.find((tag) => tag.name === 'avp')?.value;
  if (avp === 'personal') parts.push('avp=personal');
  return parts.join('; ');
}
