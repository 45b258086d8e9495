/**
 * The `bounces` MCP tool: `mailcheck bounces` on files or folders of the
 * machine the server runs on (DSNs, mbox, Maildir). The result is
 * `mailcheck bounces --format json`: per recipient the reason and whether the
 * address should be suppressed, and the sender-side problems grouped by
 * sending domain; `audit` runs the checks that examine each such problem.
 */
import { Writable } from 'node:stream';
import * as z from 'zod';
import { defineMcpTool, type McpToolOutput } from './define.js';

/** The JSON a call may return, in characters: past it the call is refused (narrow the paths). */
export const MAX_BOUNCES_JSON = 32 * 1024 * 1024;

export const bouncesTool = defineMcpTool({
  name: 'bounces',
  title: 'Explain bounces',
  description:
    'Read bounce messages (RFC 3464 delivery status notifications and the common non-standard formats) from files or folders on this machine (.eml, mbox, Maildir): per recipient the reason, whether the address itself is undeliverable and should be suppressed, and the sender-side problems (authentication, reverse DNS, blocklists, TLS) grouped by sending domain with the DNS finding that fixes each.',
  input: {
    paths: z.array(z.string().min(1).max(4096)).min(1).max(100).describe('Bounce files, mbox files or folders (read recursively).'),
    audit: z.boolean().optional().describe('Run the checks that examine each sender-side problem, live, for the sending domain and IPs.'),
  },
  readOnly: true,
  async run(args, settings): Promise<McpToolOutput> {
    if (args.paths.includes('-')) return { result: { error: 'stdin (-) is the MCP channel: give files or folders' }, summary: 'stdin (-) cannot be read here', isError: true };
    const [{ bouncesCommand }, { readMessages }, { auditSender }, { createAuditDns }, { createStyle }, { tool }] = await Promise.all([
      import('../commands/bounces.js'),
      import('../bounces/read-input.js'),
      import('../cli/bounces.js'),
      import('../dns/audit-dns.js'),
      import('../report/style.js'),
      import('../run.js'),
    ]);
    let json = '';
    let overflow = false;
    const sink = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        if (json.length + chunk.length > MAX_BOUNCES_JSON) overflow = true;
        else json += chunk.toString();
        callback();
      },
    });
    const dns = args.audit ? await createAuditDns(settings.audit) : undefined;
    const noInput: AsyncIterable<Buffer> = { async *[Symbol.asyncIterator]() {} };
    await bouncesCommand({
      messages: readMessages(args.paths, noInput),
      format: 'json',
      style: createStyle(false),
      out: sink,
      ...(dns ? { audit: auditSender(dns) } : {}),
      today: new Date().toISOString().slice(0, 10),
      tool: tool(),
    });
    if (overflow) {
      const error = `the result is larger than ${MAX_BOUNCES_JSON} characters: give fewer paths, or run mailcheck bounces on the command line`;
      return { result: { error }, summary: error, isError: true };
    }
    const result = JSON.parse(json) as {
      messages: { total: number; bounces: number };
      summary: { recipients: number; hard: number; soft: number };
      senders?: unknown[];
    };
    const summary = [
      `bounces: ${result.messages.total} messages, ${result.messages.bounces} bounces`,
      `${result.summary.recipients} recipients: ${result.summary.hard} hard (suppress), ${result.summary.soft} soft`,
      `${result.senders?.length ?? 0} sender-side problem group(s)`,
    ].join('; ');
    return { result: result as unknown as Record<string, unknown>, summary };
  },
});
