/**
 * tls-rpt: the SMTP TLS Reporting record at `_smtp._tls.<domain>` (RFC 8460 §3):
 * exactly one record, `v=TLSRPTv1` first, and a `rua` with mailto: or https:
 * destinations where senders deliver their daily TLS failure reports.
 */
import { z } from 'zod';
import { defineCheck } from './define.js';
import { NO_MAIL_SKIP, getMxHosts } from '../lookups/mx-hosts.js';
import { dnsStatusSchema } from '../dns/status-schema.js';
import type { Finding, Fix } from '../schema/report.js';

export interface TlsRptRecord {
  /** The rua destinations, in order. */
  rua: string[];
  extensions: Record<string, string>;
  /** Why the record is invalid; empty when valid. */
  errors: string[];
}

/** tlsrpt-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."). */
const EXT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
/** tlsrpt-ext-value = 1*(%x21-3A / %x3C / %x3E-7E). */
const EXT_VALUE = /^[\x21-\x3A\x3C\x3E-\x7E]+$/;
const MAILTO = /^mailto:[^@\s,;!]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/i;

/** Whether a TXT string is meant as a TLS-RPT record (miscased versions included, to be reported). */
export function looksLikeTlsRptRecord(text: string): boolean {
  return /^\s*v\s*=\s*tlsrptv1/i.test(text);
}

function checkUri(uri: string): string | undefined {
  // RFC 8460 §3: rua URIs are mailto: (§5.3) or https: (§5.4).
  if (/^mailto:/i.test(uri)) return MAILTO.test(uri) ? undefined : `"${uri}" is not a valid mailto: address`;
  if (/^https:/i.test(uri)) {
    try {
      new URL(uri);
      return undefined;
    } catch {
      return `"${uri}" is not a valid https: URL`;
    }
  }
  return `"${uri}" is neither mailto: nor https:`;
}

/** Parses one record (character-strings joined). */
export function parseTlsRptRecord(text: string): TlsRptRecord {
  const record: TlsRptRecord = { rua: [], extensions: {}, errors: [] };
  // RFC 8460 §3: field-delim = *WSP ";" *WSP; a trailing delimiter is allowed.
  const fields = text.split(';').map((field) => field.replace(/^[ \t]+|[ \t]+$/g, ''));
  if (fields.length > 1 && fields[fields.length - 1] === '') fields.pop();
  // tlsrpt-version = %s"v=TLSRPTv1" (case-sensitive, first).
  if (fields[0] !== 'v=TLSRPTv1') record.errors.push(`the record must start with "v=TLSRPTv1;" (found "${fields[0]}")`);
  let ruaSeen = false;
  for (const field of fields.slice(1)) {
    if (field === '') {
      record.errors.push('empty field (";;")');
      continue;
    }
    const equals = field.indexOf('=');
    if (equals <= 0) {
      record.errors.push(`field "${field}" is not name=value`);
      continue;
    }
    const name = field.slice(0, equals);
    const value = field.slice(equals + 1);
    if (name === 'rua') {
      if (ruaSeen) {
        record.errors.push('the rua field appears more than once (list several URIs separated by commas)');
        continue;
      }
      ruaSeen = true;
      // tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
      for (const uri of value.split(',').map((part) => part.trim())) {
        if (uri === '') {
          record.errors.push('empty URI in rua');
          continue;
        }
        const error = checkUri(uri);
        if (error) record.errors.push(error);
        else record.rua.push(uri);
      }
    } else if (name === 'v') {
      record.errors.push('the v field appears more than once');
    } else if (!EXT_NAME.test(name) || !EXT_VALUE.test(value)) {
      record.errors.push(`field "${field}" is not a valid extension`);
    } else {
      record.extensions[name] = value;
    }
  }
  if (!ruaSeen) record.errors.push('the rua field is missing');
  return record;
}

/** The record value for a list of destinations. */
export function tlsRptValue(rua: readonly string[]): string {
  return `v=TLSRPTv1; rua=${rua.join(',')}`;
}

const MAILBOX_PLACEHOLDER = '<REPORT-MAILBOX>';

/** What the tls-rpt check saw. */
export const tlsRptFactsSchema = z.object({
  domain: z.string().describe('The audited domain.'),
  recordName: z.string().describe('Where the record lives: _smtp._tls.<domain>.'),
  nullMx: z.boolean().describe('The domain publishes a null MX (it accepts no mail): the check is skipped.'),
  lookup: dnsStatusSchema.describe('How the TXT query at recordName ended.'),
  txt: z.array(z.string()).describe('Every TXT record at recordName (character-strings joined).'),
  records: z
    .array(
      z.object({
        value: z.string().describe('The record as published.'),
        rua: z.array(z.string()).describe('Its valid rua destinations, in order.'),
        errors: z.array(z.string()).describe('Why it is invalid; empty when valid.'),
      }),
    )
    .describe('The TXT records meant as TLS-RPT records (beginning with v=TLSRPTv1, in any case), parsed.'),
});

/** What the tls-rpt check saw. */
export type TlsRptFacts = z.infer<typeof tlsRptFactsSchema>;

export const tlsRptCheck = defineCheck({
  id: 'tls-rpt',
  title: 'TLS reporting (TLS-RPT)',
  record: { prefix: '_smtp._tls.', type: 'TXT' },
  score: { area: 'receiving', weight: 5 },
  description:
    'The domain publishes one SMTP TLS Reporting record at _smtp._tls.<domain> (RFC 8460 §3) with mailto: or https: report destinations.',
  findings: {
    'tls-rpt/missing': {
      severity: 'low',
      title: 'No TLS-RPT record',
      description:
        'No `_smtp._tls` TXT record: senders that fail to establish TLS with your MX hosts (expired certificate, MTA-STS or DANE failure, downgrade) have nowhere to report it, so such problems go unseen.',
      message: (data: { recordName: string; otherTxt: number }) =>
        `No TLS-RPT record at ${data.recordName}${data.otherTxt > 0 ? ` (${data.otherTxt} other TXT record(s) there)` : ''}`,
    },
    'tls-rpt/invalid-record': {
      severity: 'medium',
      title: 'TLS-RPT record invalid',
      description:
        'The `_smtp._tls` record does not follow RFC 8460 §3 (`v=TLSRPTv1; rua=mailto:…` or `https://…`): senders ignore it and send no reports.',
      /** `records[i]`'s errors are `problems[i]`, joined with "; ". */
      message: (data: { recordName: string; records: string[]; problems: string[] }) =>
        data.records.length === 1
          ? `The TLS-RPT record at ${data.recordName} is invalid: ${data.problems[0]}`
          : `${data.records.length} TLS-RPT records at ${data.recordName} are invalid: ${data.records.map((text, index) => `"${text}": ${data.problems[index]}`).join(' | ')}`,
    },
    'tls-rpt/multiple-records': {
      severity: 'medium',
      title: 'Several TLS-RPT records',
      description:
        'More than one `v=TLSRPTv1` record is published at `_smtp._tls`; RFC 8460 §3 then tells senders to assume the domain does not implement TLS-RPT. Merge them into one record.',
      message: (data: { recordName: string; count: number }) =>
        `${data.count} TLS-RPT records at ${data.recordName}: senders use none of them (RFC 8460 §3)`,
    },
  },
  facts: tlsRptFactsSchema,

  async gather(ctx): Promise<TlsRptFacts> {
    const recordName = `_smtp._tls.${ctx.domain}`;
    const [mx, answer] = await Promise.all([getMxHosts(ctx), ctx.dns.query(recordName, 'TXT')]);
    const txt = answer.status === 'ok' ? answer.records.map((strings) => strings.join('')) : [];
    // RFC 8460 §3: records that do not begin with "v=TLSRPTv1" are discarded
    // (miscased versions are kept here, to be reported as invalid).
    const records = txt.filter(looksLikeTlsRptRecord).map((value) => {
      const parsed = parseTlsRptRecord(value);
      return { value, rua: parsed.rua, errors: parsed.errors };
    });
    return { domain: ctx.domain, recordName, nullMx: mx.nullMx, lookup: answer.status, txt, records };
  },

  judge(facts, emit) {
    const { recordName: name, records } = facts;
    if (facts.nullMx) return { findings: [], skipped: NO_MAIL_SKIP.nullMx };
    if (facts.lookup === 'servfail' || facts.lookup === 'refused' || facts.lookup === 'timeout') {
      return { findings: [], inconclusive: `TXT lookup for ${name} failed (${facts.lookup})` };
    }
    const placeholders = {
      'REPORT-MAILBOX': `a mailbox that receives TLS reports, e.g. tls-reports@${facts.domain} (or an https:// endpoint)`,
    };
    const findings: Finding[] = [];

    if (records.length === 0) {
      findings.push(
        emit('tls-rpt/missing', {
          data: { recordName: name, otherTxt: facts.txt.length },
          evidence: facts.txt,
          fix: {
            summary: `Publish a TLS-RPT record at ${name}`,
            records: [{ action: 'add', name, type: 'TXT', value: `v=TLSRPTv1; rua=mailto:${MAILBOX_PLACEHOLDER}` }],
            placeholders,
          },
        }),
      );
      return { findings };
    }

    // The destinations worth keeping, from every record.
    const rua = [...new Set(records.flatMap((record) => record.rua))];
    const value = rua.length > 0 ? tlsRptValue(rua) : `v=TLSRPTv1; rua=mailto:${MAILBOX_PLACEHOLDER}`;
    const withPlaceholders = (fix: Fix): Fix => (rua.length > 0 ? fix : { ...fix, placeholders });
    const removeAll = records.map((record) => ({ action: 'remove' as const, name, type: 'TXT', value: record.value, current: record.value }));

    if (records.length > 1) {
      findings.push(
        emit('tls-rpt/multiple-records', {
          data: { recordName: name, count: records.length },
          evidence: records.map((record) => `${name} TXT "${record.value}"`),
          fix: withPlaceholders({
            summary: `Merge the TLS-RPT records at ${name} into one`,
            records: [...removeAll, { action: 'add', name, type: 'TXT', value }],
          }),
        }),
      );
    }
    const invalid = records.filter((record) => record.errors.length > 0);
    if (invalid.length > 0) {
      findings.push(
        emit('tls-rpt/invalid-record', {
          data: { recordName: name, records: invalid.map((record) => record.value), problems: invalid.map((record) => record.errors.join('; ')) },
          evidence: invalid.flatMap((record) => [`${name} TXT "${record.value}"`, ...record.errors]),
          fix: withPlaceholders({
            summary: `Correct the TLS-RPT record at ${name}`,
            records:
              records.length === 1
                ? [{ action: 'replace', name, type: 'TXT', value, current: records[0]!.value }]
                : [...removeAll, { action: 'add' as const, name, type: 'TXT', value }],
          }),
        }),
      );
    }
    return { findings };
  },

  summarise(facts) {
    const { records } = facts;
    if (records.length > 1) return [`${records.length} records at ${facts.recordName}`];
    if (records.length === 0) return [];
    const rua = records[0]!.rua;
    return rua.length > 0 ? [`rua: ${rua.join(', ')}`] : [`record (no valid rua): ${records[0]!.value}`];
  },
});
