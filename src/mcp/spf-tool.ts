/**
 * The `spf` MCP tool: `mailcheck spf <domain> [--ip …]` — the SPF include
 * tree with its lookup counts and findings, or check_host() (RFC 7208 §4)
 * for one client IP. The result is what `mailcheck spf --format json` prints.
 */
import { isIP } from 'node:net';
import * as z from 'zod';
import { parseDomain } from '../domain.js';
import { defineMcpTool, type McpToolOutput } from './define.js';

export const spfTool = defineMcpTool({
  name: 'spf',
  title: 'SPF tree or check_host()',
  description:
    "Without ip: the domain's SPF include tree, DNS lookups per record and in total (limit 10), void lookups, the effective all, and the SPF findings with the record to publish. With ip: evaluate check_host() for that client IP (RFC 7208) and return the result (pass, fail, softfail, neutral, none, permerror, temperror), the mechanism that matched and the trace.",
  input: {
    domain: z.string().min(1).max(320).describe('The domain, or an e-mail address (its domain; the address is the MAIL FROM when ip is given).'),
    ip: z.string().min(2).max(45).optional().describe('Client IP address to evaluate check_host() for.'),
    sender: z.string().min(1).max(320).optional().describe('MAIL FROM address for the evaluation (default: postmaster@<domain>).'),
    helo: z.string().min(1).max(255).optional().describe('HELO/EHLO name for the evaluation.'),
  },
  readOnly: true,
  async run(args, settings): Promise<McpToolOutput> {
    const parsed = parseDomain(args.domain);
    if (!parsed.ok) return { result: { error: parsed.error }, summary: parsed.error, isError: true };
    if (args.ip !== undefined && isIP(args.ip.trim()) === 0) {
      const error = `"${args.ip}" is not an IPv4 or IPv6 address`;
      return { result: { error }, summary: error, isError: true };
    }
    // RFC 7208 §4.1: an address given as the domain is the MAIL FROM unless sender says otherwise.
    const at = args.domain.lastIndexOf('@');
    const sender = args.sender ?? (at > 0 ? `${args.domain.slice(0, at)}@${parsed.domain}` : undefined);
    const [{ createResolver }, { spfCommand }] = await Promise.all([import('../dns/resolver.js'), import('../commands/spf.js')]);
    // A fresh cache per call: a long-running server must not answer from stale records.
    const dns = createResolver({
      ...(settings.audit.resolvers && settings.audit.resolvers.length > 0 ? { servers: settings.audit.resolvers } : {}),
      ...(settings.audit.timeoutMs !== undefined ? { timeoutMs: settings.audit.timeoutMs } : {}),
      ...(settings.audit.retries !== undefined ? { retries: settings.audit.retries } : {}),
    });
    const { output, exitCode } = await spfCommand(
      {
        domain: parsed.domain,
        ...(args.ip !== undefined ? { ip: args.ip.trim() } : {}),
        ...(sender !== undefined ? { sender } : {}),
        ...(args.helo !== undefined ? { helo: args.helo } : {}),
        format: 'json',
        color: false,
      },
      dns,
    );
    const result = JSON.parse(output) as Record<string, unknown>;
    if (typeof result.error === 'string' && exitCode === 2) return { result, summary: result.error, isError: true };
    return { result, summary: args.ip !== undefined ? summariseEvaluation(result) : summariseTree(result) };
  },
});

/** `check_host(ip, domain, sender) = result`, with the matching mechanism or the reason. */
function summariseEvaluation(result: Record<string, unknown>): string {
  const head = `check_host(${String(result.ip)}, ${String(result.domain)}, ${String(result.sender)}) = ${String(result.result)}`;
  const mechanism = typeof result.mechanism === 'string' ? `matched ${result.mechanism} in ${String(result.mechanismDomain)}` : undefined;
  const reason = typeof result.reason === 'string' ? result.reason : undefined;
  return [head, mechanism ?? reason, `${String(result.lookups)} DNS lookups`].filter(Boolean).join('; ');
}

/** The record, the lookup count against its limit, and the finding ids (or why DNS did not answer). */
function summariseTree(result: Record<string, unknown>): string {
  const findings = Array.isArray(result.findings) ? (result.findings as Array<{ id: string; severity: string }>) : [];
  const parts = [`${String(result.domain)}: SPF ${String(result.status)}`];
  if (typeof result.record === 'string') parts.push(`record: ${result.record}`);
  parts.push(`DNS lookups: ${String(result.lookups)} of ${String(result.lookupLimit)}`);
  if (typeof result.error === 'string') parts.push(`could not conclude: ${result.error}`);
  parts.push(findings.length > 0 ? `findings: ${findings.map((finding) => `${finding.id} (${finding.severity})`).join(', ')}` : 'no findings');
  return parts.join('; ');
}
