/**
 * The `reports` MCP tool: `mailcheck reports` on files or folders of the
 * machine the server runs on (DMARC aggregate and failure reports, TLS-RPT
 * reports, as files, archives or e-mails). The result is
 * `mailcheck reports --format json`; reverse DNS of the sources goes through
 * the resolver fixed at start-up.
 */
import * as z from 'zod';
import { parseDomain } from '../domain.js';
import { defineMcpTool, type McpToolOutput } from './define.js';

/** A date option as the command takes it: YYYY-MM-DD or ISO 8601. */
const dateText = z.string().min(10).max(40);

export const reportsTool = defineMcpTool({
  name: 'reports',
  title: 'Read DMARC and TLS-RPT reports',
  description:
    'Read DMARC aggregate and failure reports and TLS-RPT reports from files or folders on this machine (XML, gzip, zip, JSON, .eml, mbox, Maildir): pass rates per domain, the sources that send as it, which legitimate ones still fail alignment with the fix for each, whether it is safe to enforce DMARC and the next record.',
  input: {
    paths: z.array(z.string().min(1).max(4096)).min(1).max(100).describe('Report files or folders (read recursively).'),
    domain: z.string().min(1).max(253).optional().describe('Keep only this domain (and its subdomains).'),
    since: dateText.optional().describe('Keep reports whose period ends on or after this date (YYYY-MM-DD).'),
    until: dateText.optional().describe('Keep reports whose period starts on or before this date (YYYY-MM-DD: the whole day).'),
  },
  readOnly: true,
  async run(args, settings): Promise<McpToolOutput> {
    const refuse = (error: string): McpToolOutput => ({ result: { error }, summary: error, isError: true });
    const [{ parsePeriodDate, periodDateError }, { reportsCommand }, { createAuditDns }] = await Promise.all([
      import('../reports/period-date.js'),
      import('../commands/reports.js'),
      import('../dns/audit-dns.js'),
    ]);
    let domain: string | undefined;
    if (args.domain !== undefined) {
      const parsed = parseDomain(args.domain);
      if (!parsed.ok) return refuse(`domain: ${parsed.error}`);
      domain = parsed.domain;
    }
    let since: number | undefined;
    let until: number | undefined;
    if (args.since !== undefined) {
      since = parsePeriodDate(args.since, false);
      if (since === undefined) return refuse(periodDateError('since', args.since));
    }
    if (args.until !== undefined) {
      until = parsePeriodDate(args.until, true);
      if (until === undefined) return refuse(periodDateError('until', args.until));
    }
    const dns = await createAuditDns(settings.audit);
    const result = await reportsCommand({
      paths: args.paths,
      filters: { ...(domain !== undefined ? { domain } : {}), ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) },
      dns,
    });
    const domains = result.domains.map(
      (entry) => `${entry.domain}: ${entry.messages} messages, DMARC pass ${entry.dmarc.pass}, ${entry.readiness.ready ? 'ready to enforce' : `${entry.readiness.blocking.length} source(s) block enforcement`}`,
    );
    const summary = [
      `reports: ${result.reports.read} read, ${result.reports.failed} failed`,
      ...(domains.length > 0 ? domains : ['no DMARC aggregate data']),
    ].join('; ');
    return { result: result as unknown as Record<string, unknown>, summary, ...(result.reports.read === 0 ? { isError: true } : {}) };
  },
});
