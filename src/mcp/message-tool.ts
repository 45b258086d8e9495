/**
 * The `message` MCP tool: `mailcheck message` for one message given as text
 * (the RFC 5322 source as saved by a mail client): SPF, DKIM, ARC and DMARC as
 * a receiver evaluates them, the provider rules, and the DNS checks of the
 * domains the message names. The result is `mailcheck message --format json`.
 */
import { isIP } from 'node:net';
import * as z from 'zod';
import type { AuditOptions } from '../context.js';
import { InputError } from '../domain.js';
import { defineMcpTool, type McpToolOutput } from './define.js';

/** The largest message a call takes, in characters (as `mailcheck message`, bounded). */
export const MAX_MESSAGE_CHARACTERS = 10 * 1024 * 1024;

export const messageTool = defineMcpTool({
  name: 'message',
  title: 'Audit a message',
  description:
    'Audit one e-mail message as a receiving mailbox provider sees it: SPF, DKIM, ARC and DMARC results, alignment, one-click unsubscribe and format rules, and the DNS checks of the domains it names, with the DNS records that fix what fails. Give the full RFC 5322 source (headers and body, as saved in a .eml file).',
  input: {
    message: z.string().min(1).max(MAX_MESSAGE_CHARACTERS).describe('The message source: header fields, a blank line, the body.'),
    ip: z.string().min(2).max(45).optional().describe("The connecting IP (default: from the receiver's Received field)."),
    mailFrom: z.string().max(320).optional().describe('Envelope sender (MAIL FROM) for SPF; "<>" for the null sender (default: Return-Path).'),
    helo: z.string().min(1).max(255).optional().describe('HELO/EHLO name of the sending server.'),
  },
  readOnly: true,
  async run(args, settings): Promise<McpToolOutput> {
    const refuse = (error: string): McpToolOutput => ({ result: { error }, summary: error, isError: true });
    if (args.ip !== undefined && isIP(args.ip.trim()) === 0) return refuse(`"${args.ip}" is not an IPv4 or IPv6 address`);
    const mailFrom = args.mailFrom?.trim().replace(/^<(.*)>$/, '$1');
    if (mailFrom !== undefined && mailFrom !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(mailFrom)) {
      return refuse(`"${args.mailFrom}" is not an address`);
    }
    const [{ prepareMessage }, { auditMessage }, { createAuditDns }] = await Promise.all([
      import('../message/read.js'),
      import('../commands/message.js'),
      import('../dns/audit-dns.js'),
    ]);
    let raw: ReturnType<typeof prepareMessage>;
    try {
      raw = prepareMessage('message', Buffer.from(args.message, 'utf8'));
    } catch (error) {
      if (error instanceof InputError) return refuse(error.message);
      throw error;
    }
    // The start-up resolver and network settings; the IP comes from the call, never from start-up.
    const options: AuditOptions = { ...settings.audit };
    delete options.ips;
    const dns = await createAuditDns(options);
    const result = await auditMessage(
      raw,
      {
        ...(args.ip !== undefined ? { ip: args.ip.trim() } : {}),
        ...(args.helo !== undefined ? { helo: args.helo.trim() } : {}),
        ...(mailFrom !== undefined ? { mailFrom } : {}),
      },
      options,
      dns,
    );
    const auth = result.authentication;
    const dkim = auth.dkim.map((signature) => signature.result).join('/') || 'none';
    const verdicts = [`SPF ${auth.spf.result}`, `DKIM ${dkim}`, `DMARC ${auth.dmarc.result}`, `ARC ${auth.arc.result}`];
    const findings = result.findings.map((finding) => `${finding.id} (${finding.severity})`);
    const summary = [
      `message: score ${result.score.value}/100 (${result.score.grade})`,
      verdicts.join(', '),
      findings.length > 0 ? `findings: ${findings.join(', ')}` : 'no findings',
    ].join('; ');
    return { result: result as unknown as Record<string, unknown>, summary };
  },
});
