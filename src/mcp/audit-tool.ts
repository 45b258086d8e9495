/**
 * The `audit` MCP tool: the domain audit (`mailcheck <domain...>`) for one to
 * MAX_DOMAINS domains, returning the Reports (exactly `--format json`'s
 * objects, schema/report.schema.json) and a summary line per domain.
 */
import { isIP } from 'node:net';
import * as z from 'zod';
import { CHECK_IDS } from '../checks/index.js';
import { parseDomain } from '../domain.js';
import type { AuditOptions } from '../context.js';
import type { Report } from '../schema/report.js';
import { SEVERITIES } from '../severity.js';
import { defineMcpTool } from './define.js';

/** Domains per call: an audit sends about a hundred queries per domain, and a call should end in seconds. */
export const MAX_DOMAINS = 20;

const checkId = z.enum(CHECK_IDS as unknown as [string, ...string[]]);

export const auditTool = defineMcpTool({
  name: 'audit',
  title: 'Audit domains',
  description:
    "Audit the mail setup of one or more domains: MX, SPF, DKIM, DMARC, reverse DNS, STARTTLS, MTA-STS, TLS-RPT, DNSSEC/DANE, BIMI and blocklists. Returns each domain's Report (score, findings with severity and evidence, and the exact DNS records to publish, ranked by the points they win back) and a short summary.",
  input: {
    domains: z
      .array(z.string().min(1).max(320))
      .min(1)
      .max(MAX_DOMAINS)
      .describe(`Domains or e-mail addresses to audit (at most ${MAX_DOMAINS}); an address audits its domain.`),
    checks: z.array(checkId).min(1).optional().describe('Run only these checks.'),
    skip: z.array(checkId).optional().describe('Do not run these checks.'),
    dkimSelectors: z.array(z.string().min(1).max(63)).max(50).optional().describe('DKIM selectors to probe besides the built-in list.'),
    ips: z.array(z.string().min(2).max(45)).max(20).optional().describe('Sending IP addresses to evaluate for SPF, reverse DNS and blocklists.'),
    smtp: z.boolean().optional().describe('Probe STARTTLS on port 25 (default: as the server was started; false never connects).'),
  },
  readOnly: true,
  async run(args, settings) {
    for (const raw of args.domains) {
      const parsed = parseDomain(raw);
      if (!parsed.ok) return { result: { error: parsed.error }, summary: parsed.error, isError: true };
    }
    for (const ip of args.ips ?? []) {
      if (isIP(ip) === 0) return { result: { error: `"${ip}" is not an IP address` }, summary: `"${ip}" is not an IP address`, isError: true };
    }
    // The start-up options hold; a call can narrow them (fewer checks, no SMTP), never change the resolver.
    const options: AuditOptions = { ...settings.audit };
    if (args.checks) options.checks = [...new Set(args.checks)];
    if (args.skip) options.skip = [...new Set([...(settings.audit.skip ?? []), ...args.skip])];
    if (args.dkimSelectors) options.dkimSelectors = [...new Set([...(settings.audit.dkimSelectors ?? []), ...args.dkimSelectors])];
    if (args.ips) options.ips = [...new Set(args.ips)];
    if (args.smtp === false) options.smtp = false;
    const { audit } = await import('../run.js');
    const reports = await audit(args.domains, options);
    return { result: { reports }, summary: reports.map(summariseReport).join('\n') };
  },
});

/** One line per domain: score and grade, findings by severity, the first fix. */
export function summariseReport(report: Report): string {
  const findings = report.checks.flatMap((check) => check.findings);
  const counts = SEVERITIES.map((severity) => [severity, findings.filter((finding) => finding.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  const unconcluded = report.checks.filter((check) => check.status === 'error').map((check) => check.id);
  const score = unconcluded.length === report.checks.filter((check) => check.status !== 'skipped').length && unconcluded.length > 0
    ? 'nothing could be verified'
    : `score ${report.score.value}/100 (${report.score.grade})${report.score.complete ? '' : ', incomplete'}`;
  const parts = [
    `${report.domain}: ${score}`,
    counts.length > 0 ? `findings: ${counts.join(', ')}` : 'no findings',
  ];
  if (unconcluded.length > 0) parts.push(`could not conclude: ${unconcluded.join(', ')}`);
  const first = report.fixes[0];
  if (first) parts.push(`fix first: ${first.findingId} (+${first.points}): ${first.fix.summary}`);
  return parts.join('; ');
}
