/**
 * tls-rpt: the SMTP TLS Reporting record at `_smtp._tls.<domain>` (RFC 8460 §3):
 * exactly one record, `v=TLSRPTv1` first, and a `rua` with mailto: or https:
 * destinations where senders deliver their daily TLS failure reports.
 */
import { z } from 'zod';
import { lazySchema } from '../schema/lazy-schema.js';
import { defineCheck } from './define.js';
import { NO_MAIL_SKIP, getMxHosts } from '../lookups/mx-hosts.js';
import { dnsStatusSchema } from '../dns/status-schema.js';
import type { Finding, Fix } from '../schema/report.js';
import { looksLikeTlsRptRecord, parseTlsRptRecord, tlsRptValue } from '../tls-rpt/record.js';

const MAILBOX_PLACEHOLDER = '<REPORT-MAILBOX>';

/** What the tls-rpt check saw. */
export const tlsRptFactsSchema = lazySchema(() =>
  z.object({
    domain: z.string().describe('The audited domain.'),
    recordName: z.string().describe('Where the record lives: _smtp._tls.<domain>.'),
    nullMx: z.boolean().describe('The domain publishes a null MX (it accepts no mail): the check is skipped.'),
    lookup: dnsStatusSchema().describe('How the TXT query at recordName ended.'),
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
  }),
);

/** What the tls-rpt check saw. */
export type TlsRptFacts = z.infer<ReturnType<typeof tlsRptFactsSchema>>;

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
  // Built when first read (the JSON Schema, tests), never during an audit.
  get facts() {
    return tlsRptFactsSchema();
  },

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
