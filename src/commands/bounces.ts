/**
 * `mailcheck bounces <path...>`: reads bounce messages one at a time
 * (streaming over files, folders, mbox and stdin), explains every failed or
 * delayed recipient with a reason, tells addresses to suppress (hard) from
 * the sender's own problems, and groups those by sending domain with the DNS
 * findings that fix them (run live with --audit).
 */
import { classifyMessage, type ClassifiedMessage, type BouncedRecipient } from '../bounces/message.js';
import type { InputMessage } from '../bounces/read-input.js';
import { classifyReason, replyInText, statusInText, type BounceReason } from '../bounces/reason.js';
import { bouncesExitCode } from '../exit-code.js';
import { BOUNCES_SCHEMA_VERSION, type BounceRow, type BouncesResult, type Complaint, type SenderIssue } from '../bounces/schema.js';
import { bounceTextRow, bouncesTextSummary, bounceCsvHeader, bounceCsvRow } from '../bounces/render.js';
import { bufferedWriter, type ChunkSink } from '../list/output.js';
import { csvRecord } from '../list/records.js';
import type { Style } from '../report/style.js';

export type BouncesFormat = 'text' | 'json' | 'ndjson' | 'csv';

/** The checks that examine each sender-side reason. */
export const CHECKS_FOR_REASON: Readonly<Partial<Record<BounceReason, readonly string[]>>> = {
  authfailure: ['spf', 'dkim', 'dmarc'],
  requireptr: ['ptr'],
  blocked: ['blocklist'],
  badreputation: ['blocklist'],
  securityerror: ['tls'],
  rejected: ['mx', 'spf'],
};

export interface BouncesCommandInput {
  messages: AsyncIterable<InputMessage>;
  format: BouncesFormat;
  style: Style;
  out: ChunkSink;
  /** Where the hard addresses go (CSV), if asked. */
  suppress?: ChunkSink;
  /** Runs the checks live for a sending domain and its IPs (--audit). */
  audit?: (domain: string, ips: string[], checks: string[]) => Promise<SenderIssue['audit']>;
  /** Today (YYYY-MM-DD), for suppressions whose bounce has no date. */
  today: string;
  onMessage?: (count: number) => void;
  tool: { name: string; version: string };
}

/** An IP address in a diagnostic (the sending IP that Gmail, Microsoft and blocklists name). */
export function sendingIpIn(text: string | undefined): string | undefined {
  const v4 = /(?<![\d.])((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})(?![\d.])/.exec(text ?? '');
  if (v4) return v4[1];
  const v6 = /\b((?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{0,4}(?:::[0-9a-f:]*)?)\b/i.exec(text ?? '');
  return v6 && v6[1]!.includes(':') && v6[1]!.length >= 6 ? v6[1]!.toLowerCase() : undefined;
}

/** One row per failed or delayed recipient of a classified bounce. */
export function bounceRows(file: string, message: ClassifiedMessage): BounceRow[] {
  return message.recipients.map((recipient: BouncedRecipient) => {
    const diagnostic = recipient.diagnostic?.replace(/\s+/g, ' ').trim() || undefined;
    const status = recipient.status ?? statusInText(diagnostic) ?? null;
    const reply = replyInText(diagnostic) ?? null;
    const classified = classifyReason({
      ...(status ? { status } : {}),
      ...(reply !== null ? { reply } : {}),
      ...(diagnostic ? { diagnostic } : {}),
      ...(recipient.diagnosticType ? { diagnosticType: recipient.diagnosticType } : {}),
      ...(recipient.action ? { action: recipient.action } : {}),
    });
    const at = recipient.recipient.lastIndexOf('@');
    const ip = classified.senderSide ? sendingIpIn(diagnostic) : undefined;
    const row: BounceRow = {
      file,
      recipient: recipient.recipient,
      action: recipient.action ?? 'failed',
      status,
      reply,
      reason: classified.reason,
      hard: classified.hard,
      senderSide: classified.senderSide,
      remoteMta: recipient.remoteMta ?? null,
      reportingMta: message.reportingMta ?? null,
      diagnostic: diagnostic ?? null,
      format: message.format ?? 'rfc3464',
      receivingDomain: at > 0 ? recipient.recipient.slice(at + 1).toLowerCase() : '',
    };
    if (recipient.diagnosticType) row.diagnosticType = recipient.diagnosticType;
    if (message.sendingDomain) row.sendingDomain = message.sendingDomain;
    if (ip) row.sendingIp = ip;
    if (message.date) row.date = message.date;
    if (classified.findingIds[0]) row.findingId = classified.findingIds[0];
    return row;
  });
}

/** Runs the bounces command. */
export async function bouncesCommand(input: BouncesCommandInput): Promise<{ result: Omit<BouncesResult, 'bounces'>; exitCode: number }> {
  const out = bufferedWriter(input.out);
  const messages: BouncesResult['messages'] = { total: 0, bounces: 0, delivered: 0, autoReplies: 0, feedback: 0, other: 0 };
  const summary: BouncesResult['summary'] = { recipients: 0, hard: 0, soft: 0, reasons: {}, receivingDomains: {}, suppressed: 0 };
  const senders = new Map<string, { ips: Set<string>; reasons: Record<string, number>; findingIds: Set<string>; checks: Set<string> }>();
  /** Hard addresses to suppress (lower case) → the fields the CSV needs, kept small for large inputs. */
  const suppress = new Map<string, [reason: string, status: string, date: string | undefined, file: string]>();
  const complaints: Complaint[] = [];
  const errors: BouncesResult['errors'] = [];
  let firstRow = true;

  if (input.format === 'json') out.write(`{"schemaVersion":${BOUNCES_SCHEMA_VERSION},"tool":${JSON.stringify(input.tool)},"bounces":[`);
  if (input.format === 'csv') out.write(bounceCsvHeader());

  for await (const item of input.messages) {
    if ('error' in item) {
      errors.push({ file: item.file, message: item.error });
      continue;
    }
    messages.total++;
    input.onMessage?.(messages.total);
    let message: ClassifiedMessage;
    try {
      message = await classifyMessage(item.raw);
    } catch (error) {
      errors.push({ file: item.file, message: `not a readable message: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    switch (message.kind) {
      case 'delivered':
        messages.delivered++;
        continue;
      case 'autoreply':
        messages.autoReplies++;
        continue;
      case 'feedback':
        messages.feedback++;
        complaints.push({ file: item.file, feedbackType: message.feedbackType ?? null, sourceIp: message.sourceIp ?? null, sendingDomain: message.sendingDomain ?? null });
        continue;
      case 'other':
        messages.other++;
        continue;
      case 'bounce':
        messages.bounces++;
        break;
    }
    for (const row of bounceRows(item.file, message)) {
      summary.recipients++;
      summary[row.hard ? 'hard' : 'soft']++;
      const reasonCounts = (summary.reasons[row.reason] ??= { hard: 0, soft: 0 });
      reasonCounts[row.hard ? 'hard' : 'soft']++;
      const domainCounts = (summary.receivingDomains[row.receivingDomain] ??= { hard: 0, soft: 0 });
      domainCounts[row.hard ? 'hard' : 'soft']++;
      if (row.hard && !suppress.has(row.recipient.toLowerCase())) suppress.set(row.recipient.toLowerCase(), [row.reason, row.status ?? '', row.date, row.file]);
      if (row.senderSide) {
        const key = row.sendingDomain ?? 'unknown';
        let group = senders.get(key);
        if (!group) senders.set(key, (group = { ips: new Set(), reasons: {}, findingIds: new Set(), checks: new Set() }));
        if (row.sendingIp) group.ips.add(row.sendingIp);
        group.reasons[row.reason] = (group.reasons[row.reason] ?? 0) + 1;
        for (const id of classifyReason({ ...(row.status ? { status: row.status } : {}), ...(row.diagnostic ? { diagnostic: row.diagnostic } : {}) }).findingIds) {
          group.findingIds.add(id);
        }
        for (const check of CHECKS_FOR_REASON[row.reason] ?? []) group.checks.add(check);
      }
      let wait: Promise<void> | undefined;
      switch (input.format) {
        case 'json':
          wait = out.write(`${firstRow ? '' : ','}\n${JSON.stringify(row)}`);
          firstRow = false;
          break;
        case 'ndjson':
          wait = out.write(`${JSON.stringify(row)}\n`);
          break;
        case 'csv':
          wait = out.write(bounceCsvRow(row));
          break;
        case 'text':
          wait = out.write(bounceTextRow(row, input.style));
          break;
      }
      if (wait) await wait;
    }
  }

  const senderIssues: SenderIssue[] = [];
  for (const [sendingDomain, group] of senders) {
    const issue: SenderIssue = {
      sendingDomain,
      ips: [...group.ips],
      reasons: group.reasons,
      findingIds: [...group.findingIds],
      checks: [...group.checks],
    };
    if (input.audit && sendingDomain !== 'unknown' && issue.checks.length > 0) {
      const audit = await input.audit(sendingDomain, issue.ips, issue.checks);
      if (audit) issue.audit = audit;
    }
    senderIssues.push(issue);
  }

  if (input.suppress) {
    const writer = bufferedWriter(input.suppress);
    writer.write(csvRecord(['address', 'reason', 'status', 'date', 'file']));
    for (const [address, [reason, status, date, file]] of suppress) {
      const wait = writer.write(csvRecord([address, reason, status, (date ?? input.today).slice(0, 10), file]));
      if (wait) await wait;
    }
    await writer.flush();
    summary.suppressed = suppress.size;
  }

  const result = { schemaVersion: BOUNCES_SCHEMA_VERSION, tool: input.tool, messages, summary, senders: senderIssues, complaints, errors };
  switch (input.format) {
    case 'json': {
      const rest = JSON.stringify({ messages, summary, senders: senderIssues, complaints, errors });
      out.write(`${firstRow ? '' : '\n'}],${rest.slice(1)}\n`);
      break;
    }
    case 'ndjson':
      out.write(`${JSON.stringify({ summary: { messages, ...summary }, senders: senderIssues, complaints, errors })}\n`);
      break;
    case 'text':
      out.write(bouncesTextSummary(result, input.style));
      break;
    case 'csv':
      break;
  }
  await out.flush();
  const exitCode = bouncesExitCode(result);
  return { result, exitCode };
}
