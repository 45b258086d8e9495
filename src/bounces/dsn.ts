/**
 * RFC 3464 delivery status notifications: the `message/delivery-status` body
 * is one block of per-message fields, then one block per recipient, blocks
 * separated by blank lines (§2.1); fields are header-style and may be folded
 * (§2.1.1, RFC 5322 §2.2.3). Typed fields are `type; value` (§2.1.2).
 */

/** One recipient of a DSN (RFC 3464 §2.3). */
export interface DsnRecipient {
  /** Final-Recipient address (§2.3.2); Original-Recipient when Final-Recipient is missing. */
  recipient?: string;
  /** Original-Recipient (§2.3.1). */
  originalRecipient?: string;
  /** Action (§2.3.3): failed, delayed, delivered, relayed, expanded. */
  action?: string;
  /** Status (§2.3.4): an RFC 3463 enhanced status code. */
  status?: string;
  /** Remote-MTA host (§2.3.5). */
  remoteMta?: string;
  /** Diagnostic-Code (§2.3.6): the type (`smtp`, `x-unix`, …) and the text. */
  diagnosticType?: string;
  diagnostic?: string;
  /** Last-Attempt-Date (§2.3.7). */
  lastAttemptDate?: string;
}

/** A parsed delivery-status body. */
export interface DeliveryStatus {
  /** Reporting-MTA (§2.2.2). */
  reportingMta?: string;
  /** Arrival-Date (§2.2.5). */
  arrivalDate?: string;
  recipients: DsnRecipient[];
}

/** Parses `name: value` fields with folding; keys are lower case. */
export function parseFieldBlock(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  let current: string | undefined;
  for (const line of block.split('\n')) {
    if (/^[ \t]/.test(line) && current !== undefined) {
      // RFC 5322 §2.2.3: unfold a continuation line into the field it continues.
      fields.set(current, `${fields.get(current)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      current = undefined;
      continue;
    }
    current = line.slice(0, colon).trim().toLowerCase();
    // A repeated field keeps its first value (§2.2, §2.3 allow each at most once).
    if (fields.has(current)) {
      current = undefined;
      continue;
    }
    fields.set(current, line.slice(colon + 1).trim());
  }
  return fields;
}

/** Splits `type; value` (§2.1.2); a value without a type gets none. */
export function typedValue(raw: string | undefined): { type?: string; value: string } | undefined {
  if (raw === undefined) return undefined;
  const semicolon = raw.indexOf(';');
  if (semicolon > 0 && /^[A-Za-z0-9-]+$/.test(raw.slice(0, semicolon).trim())) {
    return { type: raw.slice(0, semicolon).trim().toLowerCase(), value: raw.slice(semicolon + 1).trim() };
  }
  return { value: raw.trim() };
}

/** The address inside `<…>` or as written, without a trailing dot or whitespace. */
export function bareAddress(value: string): string {
  const bracketed = /<([^<>]*)>/.exec(value);
  return (bracketed ? bracketed[1]! : value).trim().replace(/^"|"$/g, '');
}

/** The host of a `dns; host` value, without a trailing dot or a bracketed address after it. */
function hostOf(raw: string | undefined): string | undefined {
  const typed = typedValue(raw);
  if (!typed || typed.value === '') return undefined;
  return typed.value.split(/\s+/)[0]!.replace(/\.$/, '').toLowerCase();
}

/** Parses a message/delivery-status body. */
export function parseDeliveryStatus(text: string): DeliveryStatus {
  const blocks = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((block) => block.replace(/^\n+/, ''))
    .filter((block) => block.trim() !== '');
  const result: DeliveryStatus = { recipients: [] };
  blocks.forEach((block, index) => {
    const fields = parseFieldBlock(block);
    const isRecipient = fields.has('final-recipient') || fields.has('original-recipient') || fields.has('action') || fields.has('status');
    if (index === 0 && !isRecipient) {
      const reporting = hostOf(fields.get('reporting-mta'));
      if (reporting) result.reportingMta = reporting;
      const arrival = fields.get('arrival-date');
      if (arrival) result.arrivalDate = arrival;
      return;
    }
    if (!isRecipient) return;
    const recipient: DsnRecipient = {};
    const final = typedValue(fields.get('final-recipient'));
    const original = typedValue(fields.get('original-recipient'));
    if (original?.value) recipient.originalRecipient = bareAddress(original.value);
    // §2.3.2 requires Final-Recipient; a notification without it still names the original recipient.
    const address = final?.value ? bareAddress(final.value) : recipient.originalRecipient;
    if (address) recipient.recipient = address;
    const action = fields.get('action');
    if (action) recipient.action = action.toLowerCase().split(/[\s(]/)[0]!;
    const status = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(fields.get('status') ?? '');
    if (status) recipient.status = `${status[1]}.${status[2]}.${status[3]}`;
    const remote = hostOf(fields.get('remote-mta'));
    if (remote) recipient.remoteMta = remote;
    const diagnostic = typedValue(fields.get('diagnostic-code'));
    if (diagnostic) {
      if (diagnostic.type) recipient.diagnosticType = diagnostic.type;
      recipient.diagnostic = diagnostic.value;
    }
    const last = fields.get('last-attempt-date');
    if (last) recipient.lastAttemptDate = last;
    result.recipients.push(recipient);
  });
  return result;
}
