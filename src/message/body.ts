/**
 * The visible body of a message (MIME decoded by postal-mime: base64,
 * quoted-printable, charsets), searched for an unsubscribe link.
 */
import PostalMime from 'postal-mime';
import { unsubscribeUris } from './rules.js';

/** Octets of the message decoded to look for the link. */
export const BODY_SCAN_BYTES = 4 * 1024 * 1024;

/**
 * Words that name an unsubscribe link in the languages bulk mail is most often
 * sent in. \u00e9 is é: the CLI bundle stays ASCII (scripts/build-cli.mjs).
 */
const UNSUBSCRIBE_WORDS = /unsubscribe|opt[- ]?out|abmelden|d[e\u00e9]sabonner|d[e\u00e9]sinscri|darse de baja|cancelar(?: la)? suscripci|annulla(?:re)? l'iscrizione|afmelden|uitschrijven/i;

/**
 * True when the body shows an unsubscribe link: an http(s) link whose URL or
 * text names unsubscribing, or one of the List-Unsubscribe URIs. Null when the
 * body cannot be decoded.
 */
export async function findUnsubscribeLink(data: Buffer, listUnsubscribe: string): Promise<boolean | null> {
  let email: Awaited<ReturnType<typeof PostalMime.parse>>;
  try {
    // Attachments are not needed: keep them as the parser's raw buffers (no extra copies as strings).
    // The text parts come first in practice; decoding a large attachment only to skip it costs memory.
    email = await PostalMime.parse(data.length > BODY_SCAN_BYTES ? data.subarray(0, BODY_SCAN_BYTES) : data, { attachmentEncoding: 'arraybuffer' });
  } catch {
    return null;
  }
  const listed = unsubscribeUris(listUnsubscribe).filter((uri) => /^https?:/i.test(uri));
  const html = email.html ?? '';
  const text = email.text ?? '';
  if (listed.some((uri) => html.includes(uri) || text.includes(uri))) return true;
  for (const match of html.matchAll(/<a\b[^>]*href\s*=\s*["']?([^"'\s>]+)[^>]*>([\s\S]*?)<\/a>/gi)) {
    if (UNSUBSCRIBE_WORDS.test(match[1]!) || UNSUBSCRIBE_WORDS.test(match[2]!.replace(/<[^>]*>/g, ' '))) return true;
  }
  // Plain text: a URL on a line that names unsubscribing, or a URL that does.
  for (const line of text.split(/\r?\n/)) {
    if (/https?:\/\/\S+/i.test(line) && UNSUBSCRIBE_WORDS.test(line)) return true;
  }
  return false;
}
