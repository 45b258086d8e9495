/**
 * The MTA-STS policy file (RFC 8461 §3.2), MX host matching (§4.1) and the
 * policy a domain should publish, generated from its MX hosts.
 */
import { createHash } from 'node:crypto';

export type StsMode = 'enforce' | 'testing' | 'none';

export interface StsPolicy {
  version?: string;
  mode?: StsMode;
  /** Seconds. */
  maxAge?: number;
  /** MX patterns, lower case, in order. */
  mx: string[];
  /** Fields the policy does not define (ignored by senders, §3.2). */
  extensions: Record<string, string>;
  /** Why the policy is invalid; empty when valid. */
  errors: string[];
}

/** RFC 8461 §3.2: max_age is at most 31557600 seconds (about one year). */
export const MAX_AGE_LIMIT = 31_557_600;
/** A max_age under one day gives senders little protection against a downgrade (RFC 8461 §10.1). */
export const SHORT_MAX_AGE = 86_400;
/** max_age proposed in generated policies: one week. */
export const RECOMMENDED_MAX_AGE = 604_800;
/** Policy size cap (RFC 8461 §3.3 suggests 64 KiB). */
export const POLICY_MAX_BYTES = 64 * 1024;
/** Line problems reported one by one; the rest are counted in one message. */
export const MAX_LINE_ERRORS = 10;

/** sts-policy-field-name = ALPHA *31(ALPHA / DIGIT / "_" / "-" / ".") (extension names may start with a digit). */
const FIELD_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
/** A host name label: letters, digits, hyphens (RFC 1123 §2.1), not starting or ending with a hyphen. */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function isDomainName(name: string): boolean {
  const labels = name.split('.');
  return labels.length >= 2 && labels.every((label) => LABEL.test(label));
}

/** Parses policy text. Lines end with LF or CRLF (§3.2 sts-policy-term). */
export function parseStsPolicy(text: string): StsPolicy {
  const policy: StsPolicy = { mx: [], extensions: {}, errors: [] };
  const seen = new Set<string>();
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  // A hostile policy (65,536 empty lines) must not give as many messages: the first ones, then a count.
  let lineErrors = 0;
  const lineError = (message: string) => {
    if (lineErrors++ < MAX_LINE_ERRORS) policy.errors.push(message);
  };
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') {
      lineError(`line ${index + 1} is empty`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      lineError(`line ${index + 1} is not "key: value": ${line.slice(0, 80)}`);
      continue;
    }
    const name = line.slice(0, colon);
    // sts-policy-field = name ":" *WSP value *WSP
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (!FIELD_NAME.test(name)) {
      lineError(`line ${index + 1}: "${name}" is not a field name`);
      continue;
    }
    if (name !== 'mx' && seen.has(name) && ['version', 'mode', 'max_age'].includes(name)) {
      // Repeated on every line a hostile policy holds: counted with the other line problems.
      lineError(`the ${name} field appears more than once`);
      continue;
    }
    seen.add(name);
    switch (name) {
      case 'version':
        // sts-policy-version-value = %s"STSv1"
        if (value !== 'STSv1') policy.errors.push(`version is "${value}", not "STSv1"`);
        policy.version = value;
        break;
      case 'mode':
        // sts-policy-mode-value = %s"testing" / %s"enforce" / %s"none"
        if (value === 'enforce' || value === 'testing' || value === 'none') policy.mode = value;
        else policy.errors.push(`mode is "${value}", not enforce, testing or none`);
        break;
      case 'max_age':
        // sts-policy-max-age-value = 1*10(DIGIT), at most 31557600
        if (!/^\d{1,10}$/.test(value)) policy.errors.push(`max_age "${value}" is not a number of seconds`);
        else if (Number(value) > MAX_AGE_LIMIT) policy.errors.push(`max_age ${value} exceeds ${MAX_AGE_LIMIT}`);
        else policy.maxAge = Number(value);
        break;
      case 'mx': {
        // sts-policy-mx-value = ["*."] Domain
        const pattern = value.toLowerCase().replace(/\.$/, '');
        const base = pattern.startsWith('*.') ? pattern.slice(2) : pattern;
        if (!isDomainName(base)) lineError(`mx "${value}" is not a host name or "*." pattern`);
        else policy.mx.push(pattern);
        break;
      }
      default:
        policy.extensions[name] = value;
    }
  }
  if (lineErrors > MAX_LINE_ERRORS) policy.errors.push(`and ${lineErrors - MAX_LINE_ERRORS} more lines with problems`);
  if (policy.version === undefined) policy.errors.push('the version field is missing');
  if (policy.mode === undefined && !seen.has('mode')) policy.errors.push('the mode field is missing');
  if (policy.maxAge === undefined && !seen.has('max_age')) policy.errors.push('the max_age field is missing');
  // RFC 8461 §3.2: mx is "one or more patterns"; only a policy in mode none can do without.
  if (policy.mx.length === 0 && policy.mode !== 'none') policy.errors.push('no mx field: no MX host is allowed');
  return policy;
}

/**
 * RFC 8461 §4.1: an MX host matches a pattern when equal to it, or when the
 * pattern is "*.<rest>" and the host is exactly one label followed by <rest>
 * (the wildcard covers one label only).
 */
export function mxMatches(pattern: string, host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  const wanted = pattern.toLowerCase().replace(/\.$/, '');
  if (!wanted.startsWith('*.')) return name === wanted;
  const dot = name.indexOf('.');
  return dot > 0 && name.slice(dot + 1) === wanted.slice(2);
}

/** The first pattern covering `host`, or undefined. */
export function coveringPattern(patterns: readonly string[], host: string): string | undefined {
  return patterns.find((pattern) => mxMatches(pattern, host));
}

/** Policy text to serve, lines ending in CRLF (RFC 8461 §3.2). */
export function policyText(mode: StsMode, mxHosts: readonly string[], maxAge: number): string {
  const lines = ['version: STSv1', `mode: ${mode}`, ...mxHosts.map((host) => `mx: ${host}`), `max_age: ${maxAge}`];
  return lines.map((line) => `${line}\r\n`).join('');
}

/**
 * A policy id for `text` (RFC 8461 §3.1: 1–32 letters and digits, changed
 * whenever the policy changes): derived from the content, so a changed policy
 * always gets a new id and the same policy always the same one.
 */
export function policyId(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 20);
}
