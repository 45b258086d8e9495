/**
 * Bounce formats that are not RFC 3464: the plain-text notices that MTAs and
 * providers still send, recognised from their documented wording. Each
 * format reads the notice's text (and headers) and returns the failed
 * recipients with their diagnostic, or undefined when the text is not its own.
 *
 * The wording each recogniser keys on:
 * - qmail: QSBMF ("Hi. This is the qmail-send program", paragraphs `<addr>:`).
 * - Postfix without DSN: "This is the mail system at host", `<addr>: … said: …`.
 * - Exim: "This message was created automatically by mail delivery software",
 *   indented addresses after "failed:" and "SMTP error from remote mail server".
 * - Sendmail: "----- The following addresses had permanent fatal errors -----".
 * - Microsoft Exchange / Office 365: "Delivery has failed to these recipients",
 *   "Remote Server returned '…'", "Your message to … couldn't be delivered",
 *   "Server at <host> returned '…'".
 * - Gmail: "Delivery to the following recipient failed", "Address not found",
 *   "The response from the remote server was:", "The error that the other
 *   server returned was:".
 * - Yahoo: "Sorry, we were unable to deliver your message to the following address".
 * - Courier: "Your message to the following recipients cannot be delivered",
 *   `<<< 550 …` transcript lines.
 * - Domino: "was not delivered to:" … "because:".
 * - Amazon SES bounce notifications: JSON with "notificationType": "Bounce".
 */
import { bareAddress, type DsnRecipient } from './dsn.js';

/** What a recogniser reads. */
export interface NoticeText {
  /** The notice's plain text (first text/plain part, or the body), LF line ends. */
  text: string;
  subject: string;
  from: string;
  /** X-Failed-Recipients (Exim and others). */
  failedRecipients: string[];
}

export type FormatName =
  | 'qmail'
  | 'postfix'
  | 'exim'
  | 'sendmail'
  | 'exchange'
  | 'gmail'
  | 'yahoo'
  | 'courier'
  | 'domino'
  | 'amazonses'
  | 'generic';

interface Format {
  name: FormatName;
  parse(notice: NoticeText): DsnRecipient[] | undefined;
}

const ADDRESS = /<?([^\s<>@"(),;:]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+|"[^"]+"@[A-Za-z0-9.-]+)>?/;
const ADDRESS_LINE = new RegExp(`^\\s*${ADDRESS.source}:?\\s*$`);

/** Joins indented lines of an explanation into one line. */
const flatten = (lines: readonly string[]) => lines.map((line) => line.trim()).filter(Boolean).join(' ');

/** The copy of the original message starts here; nothing below is part of the notice. */
function noticePart(text: string): string {
  const cut = text.search(
    /^(?:--- Below this line is a copy of the message\.|--- Enclosed are the original headers|------ This is a copy of the message|-+ ?Original message|\s*----- Original message -----|Original message headers:)/im,
  );
  return cut === -1 ? text : text.slice(0, cut);
}

/** Paragraphs of the form `<addr>:` followed by lines of explanation (QSBMF §2, Postfix, Yahoo). */
function addressParagraphs(text: string, start: RegExp): DsnRecipient[] {
  const lines = noticePart(text).split('\n');
  const out: DsnRecipient[] = [];
  let begun = false;
  let current: { address: string; lines: string[] } | undefined;
  const close = () => {
    if (current) out.push({ recipient: current.address, action: 'failed', diagnostic: flatten(current.lines) });
    current = undefined;
  };
  for (const line of lines) {
    if (!begun) {
      begun = start.test(line);
      continue;
    }
    const head = /^<([^<>\s]+@[^<>\s]+)>:?\s*(.*)$/.exec(line);
    if (head) {
      close();
      current = { address: head[1]!, lines: head[2] ? [head[2]] : [] };
      continue;
    }
    if (current) {
      if (line.trim() === '' && current.lines.length > 0) close();
      else current.lines.push(line);
    }
  }
  close();
  return out.filter((recipient) => recipient.recipient);
}

/** The remote host named in `host mx.example[192.0.2.1] said:` or `Connected to 192.0.2.1`. */
function remoteHost(diagnostic: string): string | undefined {
  const match = /\bhost ([A-Za-z0-9.-]+\.[A-Za-z]{2,})\.?\s*\[/.exec(diagnostic) ?? /\bremote host ([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b/i.exec(diagnostic);
  return match ? match[1]!.toLowerCase() : undefined;
}

/** The reply the remote server gave, after "said:" or "Remote host said:" when present. */
function saidText(diagnostic: string): string {
  const said = /(?:said|Remote host said|returned):\s*(.*)$/i.exec(diagnostic);
  return (said ? said[1]! : diagnostic).trim();
}

const withHost = (recipients: DsnRecipient[]): DsnRecipient[] =>
  recipients.map((recipient) => {
    const host = remoteHost(recipient.diagnostic ?? '');
    const diagnostic = saidText(recipient.diagnostic ?? '');
    return { ...recipient, diagnostic, ...(host ? { remoteMta: host } : {}) };
  });

const FORMATS: readonly Format[] = [
  {
    name: 'amazonses',
    parse({ text }) {
      if (!/"notificationType"\s*:\s*"Bounce"/.test(text)) return undefined;
      const start = text.indexOf('{');
      try {
        const json = JSON.parse(text.slice(start, text.lastIndexOf('}') + 1)) as {
          bounce?: { bounceType?: string; bouncedRecipients?: Array<{ emailAddress?: string; status?: string; diagnosticCode?: string; action?: string }>; reportingMTA?: string };
        };
        const recipients = json.bounce?.bouncedRecipients ?? [];
        const transient = json.bounce?.bounceType === 'Transient';
        return recipients
          .filter((entry) => typeof entry.emailAddress === 'string')
          .map((entry) => {
            const diagnostic = entry.diagnosticCode?.replace(/^smtp;\s*/i, '');
            return {
              recipient: bareAddress(entry.emailAddress!),
              action: transient ? 'delayed' : (entry.action ?? 'failed'),
              ...(entry.status ? { status: entry.status } : {}),
              ...(diagnostic ? { diagnostic, diagnosticType: 'smtp' } : {}),
            };
          });
      } catch {
        return undefined;
      }
    },
  },
  {
    name: 'qmail',
    parse({ text }) {
      if (!/^Hi\. This is the qmail/m.test(text)) return undefined;
      return withHost(addressParagraphs(text, /^Hi\. This is the qmail/));
    },
  },
  {
    name: 'postfix',
    parse({ text }) {
      if (!/This is the mail system at host/i.test(text)) return undefined;
      return withHost(addressParagraphs(text, /This is the mail system at host/i));
    },
  },
  {
    name: 'yahoo',
    parse({ text }) {
      if (!/Sorry, we were unable to deliver your message to the following address/i.test(text)) return undefined;
      return withHost(addressParagraphs(text, /unable to deliver your message/i));
    },
  },
  {
    name: 'exim',
    parse({ text, failedRecipients }) {
      if (!/This message was created automatically by mail delivery software/i.test(text)) return undefined;
      const lines = noticePart(text).split('\n');
      const out: DsnRecipient[] = [];
      let current: { address: string; lines: string[] } | undefined;
      let inList = false;
      const close = () => {
        if (current) out.push({ recipient: current.address, action: inDelay ? 'delayed' : 'failed', diagnostic: flatten(current.lines) });
        current = undefined;
      };
      const inDelay = /has not yet been delivered|Delay reason/i.test(text) && !/permanent error/i.test(text);
      for (const line of lines) {
        if (/address(?:\(es\))? failed:|has not yet been delivered to the following/i.test(line)) {
          inList = true;
          continue;
        }
        if (!inList) continue;
        const address = /^ {1,3}(\S+@\S+?)(?:\s|$)/.exec(line);
        if (address) {
          close();
          current = { address: bareAddress(address[1]!), lines: [] };
          continue;
        }
        if (current && /^\s{4,}\S/.test(line)) current.lines.push(line);
      }
      close();
      const recipients = out.map((recipient) => {
        const remote = /host ([A-Za-z0-9.-]+) \[/.exec(recipient.diagnostic ?? '');
        // "SMTP error from remote mail server after RCPT TO:<…>: 550 5.1.1 …": keep the server's reply.
        const reply = /after [A-Z ]+(?::<[^>]*>)?:\s*(.*)$/.exec(recipient.diagnostic ?? '');
        return { ...recipient, ...(reply ? { diagnostic: reply[1]!.trim() } : {}), ...(remote ? { remoteMta: remote[1]!.toLowerCase() } : {}) };
      });
      if (recipients.length === 0) return failedRecipients.map((address) => ({ recipient: address, action: 'failed' }));
      return recipients;
    },
  },
  {
    name: 'sendmail',
    parse({ text }) {
      if (!/----- The following addresses had (?:permanent fatal errors|transient non-fatal errors) -----/i.test(text)) return undefined;
      const transient = /transient non-fatal errors/i.test(text);
      const out: DsnRecipient[] = [];
      const block = /----- The following addresses had[^\n]*\n([\s\S]*?)(?:\n\s*-----|$)/i.exec(text)?.[1] ?? '';
      const lines = block.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const address = ADDRESS_LINE.exec(lines[i]!);
        if (!address) continue;
        const reason = /^\s+\(reason: (.*)\)\s*$/.exec(lines[i + 1] ?? '');
        out.push({ recipient: bareAddress(address[1]!), action: transient ? 'delayed' : 'failed', ...(reason ? { diagnostic: reason[1]! } : {}) });
      }
      // The transcript names the remote host and the reply: "... while talking to mx.example.:" then "<<< 550 …".
      const remote = /while talking to ([A-Za-z0-9.-]+?)\.?:/.exec(text);
      const reply = /^<<< ([45]\d\d[ -].*)$/m.exec(text);
      return out.map((recipient) => ({
        ...recipient,
        ...(recipient.diagnostic === undefined && reply ? { diagnostic: reply[1]! } : {}),
        ...(remote ? { remoteMta: remote[1]!.toLowerCase() } : {}),
      }));
    },
  },
  {
    name: 'exchange',
    parse({ text }) {
      if (!/Delivery has failed to these recipients or groups|Your message to .* couldn't be delivered|Remote Server returned '|Diagnostic information for administrators/i.test(text)) {
        return undefined;
      }
      const out = new Map<string, DsnRecipient>();
      // "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; …'" with the address on the line before.
      const lines = noticePart(text).split('\n');
      const generating = /Generating server:\s*(\S+)/i.exec(text)?.[1]?.toLowerCase();
      for (let i = 0; i < lines.length; i++) {
        // Exchange: "Remote Server returned '…'"; Office 365: "… - Server at <host> returned '…'".
        const returned = /(?:Remote Server|Server at (\S+)) returned '(.*)'\s*$/i.exec(lines[i]!);
        if (!returned) continue;
        const host = returned[1]?.toLowerCase() ?? generating;
        for (let j = i - 1; j >= 0 && j >= i - 3; j--) {
          const address = ADDRESS.exec(lines[j]!);
          if (address) {
            out.set(bareAddress(address[1]!), { recipient: bareAddress(address[1]!), action: 'failed', diagnostic: returned[2]!, ...(host ? { remoteMta: host } : {}) });
            break;
          }
        }
      }
      if (out.size === 0) {
        const address = /(?:Your message to|failed to these recipients or groups:\s*)\s*<?([^\s<>]+@[^\s<>]+?)>? /i.exec(text);
        const code = /\b([45]\d\d[ -][245]\.\d{1,3}\.\d{1,3}[^\n]*)/.exec(text);
        if (address) out.set(bareAddress(address[1]!), { recipient: bareAddress(address[1]!), action: 'failed', ...(code ? { diagnostic: code[1]!.trim() } : {}) });
      }
      return [...out.values()];
    },
  },
  {
    name: 'gmail',
    parse({ text, from }) {
      if (!/Delivery to the following recipient(?:s)? failed|Address not found|Message not delivered|Delivery incomplete|The response from the remote server was:|The error that the other server returned was:/i.test(text)) {
        return undefined;
      }
      if (!/google|gmail/i.test(from) && !/The response from the remote server was:|The error that the other server returned was:/i.test(text)) return undefined;
      const notice = noticePart(text);
      const address =
        /(?:wasn't delivered to|recipient(?:s)? failed (?:permanently|temporarily):|delivered to)\s*\n?\s*<?([^\s<>]+@[^\s<>]+?)>?(?:\s|$)/i.exec(notice);
      if (!address) return undefined;
      const response = /(?:The response (?:from the remote server )?was|The error that the other server returned was):\s*\n+([\s\S]*?)(?:\n\s*\n|$)/i.exec(notice);
      const remote = /by ([A-Za-z0-9.-]+\.[A-Za-z]{2,})\.? \[/.exec(notice)?.[1];
      const delayed = /Delivery incomplete|temporary problem|will retry/i.test(notice);
      return [
        {
          recipient: bareAddress(address[1]!.replace(/[.,]$/, '')),
          action: delayed ? 'delayed' : 'failed',
          ...(response ? { diagnostic: flatten(response[1]!.split('\n')) } : /Address not found/i.test(notice) ? { diagnostic: 'address not found' } : {}),
          ...(remote ? { remoteMta: remote.toLowerCase() } : {}),
        },
      ];
    },
  },
  {
    name: 'courier',
    parse({ text }) {
      if (!/Your message to the following recipients cannot be delivered/i.test(text)) return undefined;
      const out: DsnRecipient[] = [];
      const blocks = noticePart(text).split(/\n(?=<[^>\s]+@[^>\s]+>:)/);
      for (const block of blocks) {
        const head = /^<([^>\s]+@[^>\s]+)>:/.exec(block);
        if (!head) continue;
        const reply = [...block.matchAll(/^<<< (.*)$/gm)].map((match) => match[1]!).filter((line) => /^[45]\d\d/.test(line));
        const host = /^\s+([A-Za-z0-9.-]+\.[A-Za-z]{2,}) \[/m.exec(block)?.[1];
        out.push({ recipient: head[1]!, action: 'failed', ...(reply.length > 0 ? { diagnostic: reply.join(' ') } : {}), ...(host ? { remoteMta: host.toLowerCase() } : {}) });
      }
      return out;
    },
  },
  {
    name: 'domino',
    parse({ text }) {
      const match = /was not delivered to:\s*\n+\s*(\S+@\S+)\s*\n+\s*because:\s*\n+\s*(.+)/i.exec(text);
      if (!match) return undefined;
      return [{ recipient: bareAddress(match[1]!), action: 'failed', diagnostic: match[2]!.trim() }];
    },
  },
];

/**
 * The recipients of a non-RFC 3464 notice and the format recognised, or
 * undefined when no format knows it. `X-Failed-Recipients` alone, on a
 * message whose subject says it is a failure notice, is the generic format.
 */
export function parseNonStandard(notice: NoticeText): { format: FormatName; recipients: DsnRecipient[] } | undefined {
  for (const format of FORMATS) {
    const recipients = format.parse(notice);
    if (recipients && recipients.length > 0) return { format: format.name, recipients };
  }
  if (notice.failedRecipients.length > 0) {
    const code = /\b([45]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3})?[^\n]*)/.exec(notice.text);
    return {
      format: 'generic',
      recipients: notice.failedRecipients.map((address) => ({ recipient: address, action: 'failed', ...(code ? { diagnostic: code[1]!.trim() } : {}) })),
    };
  }
  return undefined;
}
