/**
 * DNS captures: `--save-dns <file>` records every answer of a run (one entry
 * per distinct question, the answer exactly as the checks saw it, CNAME chain
 * included); `--replay <file>` serves a run from such a file without any
 * network, so a user's bug report becomes a test fixture.
 */
import * as z from 'zod';
import { RR_TYPES } from './record-types.js';
import type { DnsAnswer, DnsClient, QueryLogEntry, RecordData, RRType } from './types.js';

export const CAPTURE_FORMAT = 'mailcheck-dns-capture';
export const CAPTURE_VERSION = 1;

type AnyAnswer = DnsAnswer<RecordData[RRType]>;

export interface CapturedAnswer {
  name: string;
  type: RRType;
  answer: AnyAnswer;
}

export interface CaptureFile {
  format: typeof CAPTURE_FORMAT;
  version: typeof CAPTURE_VERSION;
  /** The servers the answers came from. */
  servers: string[];
  /** ISO 8601 time the file was written. */
  savedAt: string;
  answers: CapturedAnswer[];
}

const answerSchema = z.union([
  z.object({
    status: z.literal('ok'),
    records: z.array(z.unknown()),
    ttl: z.number(),
    ad: z.boolean(),
    cnames: z.array(z.string()),
  }),
  z.object({ status: z.enum(['nxdomain', 'nodata']), ad: z.boolean(), cnames: z.array(z.string()) }),
  z.object({ status: z.enum(['servfail', 'refused', 'timeout']) }),
]);

const uint = (max: number) => z.number().int().min(0).max(max);
const hex = z.string().regex(/^(?:[0-9a-f]{2})*$/i);
/** The shape of one record of each type, as the resolver gives it (dns/types.ts RecordData). */
const RECORD_SCHEMAS = {
  A: z.string().regex(/^\d{1,3}(?:\.\d{1,3}){3}$/),
  AAAA: z.string().regex(/^[0-9a-f:.]+$/i),
  MX: z.object({ preference: uint(65535), exchange: z.string() }),
  TXT: z.array(z.string()),
  CNAME: z.string(),
  PTR: z.string(),
  NS: z.string(),
  SOA: z.object({ mname: z.string(), rname: z.string(), serial: uint(2 ** 32 - 1), refresh: uint(2 ** 32 - 1), retry: uint(2 ** 32 - 1), expire: uint(2 ** 32 - 1), minimum: uint(2 ** 32 - 1) }),
  TLSA: z.object({ usage: uint(255), selector: uint(255), matchingType: uint(255), data: hex }),
  DS: z.object({ keyTag: uint(65535), algorithm: uint(255), digestType: uint(255), digest: hex }),
  DNSKEY: z.object({ flags: uint(65535), protocol: uint(255), algorithm: uint(255), publicKey: z.string() }),
} satisfies Record<RRType, z.ZodType>;

const captureSchema = z.object({
  format: z.literal(CAPTURE_FORMAT),
  version: z.literal(CAPTURE_VERSION),
  servers: z.array(z.string()),
  savedAt: z.string(),
  answers: z.array(
    z
      .object({ name: z.string(), type: z.enum(RR_TYPES), answer: answerSchema })
      // Every record must have its type's shape: a bad capture is refused here, not met inside a check.
      .superRefine((entry, context) => {
        if (entry.answer.status !== 'ok') return;
        const schema = z.array(RECORD_SCHEMAS[entry.type]);
        const result = schema.safeParse(entry.answer.records);
        if (!result.success) {
          for (const issue of result.error.issues) {
            context.addIssue({ code: 'custom', message: `not a ${entry.type} record`, path: ['answer', 'records', ...issue.path] });
          }
        }
      }),
  ),
});

/** A capture that cannot be read: the message names the problem. */
export class CaptureError extends Error {
  override name = 'CaptureError';
}

const keyOf = (name: string, type: string) => `${name.toLowerCase().replace(/\.$/, '')} ${type}`;

/** A DnsClient that records every answer it gives, plus the capture so far. */
export interface CapturingDnsClient extends DnsClient {
  /** The capture file's content (answers in order of first asking). */
  capture(): CaptureFile;
}

/** Wraps a resolver so every distinct question and its answer is kept for `--save-dns`. */
export function captureDns(dns: DnsClient): CapturingDnsClient {
  // Insertion order is the order of first asking; the value is set once answered.
  const answers = new Map<string, CapturedAnswer | undefined>();
  return {
    async query<T extends RRType>(name: string, type: T): Promise<DnsAnswer<RecordData[T]>> {
      const key = keyOf(name, type);
      if (!answers.has(key)) answers.set(key, undefined);
      const answer = await dns.query(name, type);
      if (answers.get(key) === undefined) {
        answers.set(key, { name: key.slice(0, key.lastIndexOf(' ')), type, answer: answer as AnyAnswer });
      }
      return answer;
    },
    get log() {
      return dns.log;
    },
    get servers() {
      return dns.servers;
    },
    capture(): CaptureFile {
      return {
        format: CAPTURE_FORMAT,
        version: CAPTURE_VERSION,
        servers: [...dns.servers],
        savedAt: new Date().toISOString(),
        answers: [...answers.values()].filter((entry): entry is CapturedAnswer => entry !== undefined),
      };
    },
  };
}

/** The capture as file text (JSON, one answer per line for readable diffs). */
export function serializeCapture(capture: CaptureFile): string {
  const head = JSON.stringify({ ...capture, answers: [] }, null, 2).replace(/"answers": \[\]\n\}$/, '"answers": [');
  const lines = capture.answers.map((entry) => `    ${JSON.stringify(entry)}`);
  return `${head}\n${lines.join(',\n')}\n  ]\n}\n`;
}

/** Parses a capture file's text. */
export function parseCapture(text: string, source = 'capture'): CaptureFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CaptureError(`${source} is not JSON`);
  }
  const parsed = captureSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    const what = issue?.code === 'custom' ? `: ${issue.message}` : '';
    throw new CaptureError(`${source} is not a mailcheck DNS capture (written by --save-dns)${where}${what}`);
  }
  return parsed.data as CaptureFile;
}

export interface ReplayOptions {
  /** Label for the report's `dns.servers` (default `replay`). */
  label?: string;
}

/**
 * A DnsClient serving a capture: no socket is ever opened. A question the
 * capture does not hold is answered SERVFAIL (the check then says it could not
 * conclude), never invented as absent.
 */
export function replayDns(capture: CaptureFile, options: ReplayOptions = {}): DnsClient {
  const answers = new Map(capture.answers.map((entry) => [keyOf(entry.name, entry.type), entry.answer]));
  const asked = new Set<string>();
  const log: QueryLogEntry[] = [];
  const started = Date.now();
  const label = options.label ?? 'replay';
  return {
    async query<T extends RRType>(name: string, type: T): Promise<DnsAnswer<RecordData[T]>> {
      const key = keyOf(name, type);
      const answer: AnyAnswer = answers.get(key) ?? { status: 'servfail' };
      const cached = asked.has(key);
      asked.add(key);
      log.push({
        name: key.slice(0, key.lastIndexOf(' ')),
        type,
        status: answer.status,
        ms: 0,
        server: label,
        cached,
        startedAt: Date.now() - started,
      });
      return structuredClone(answer) as DnsAnswer<RecordData[T]>;
    },
    get log() {
      return log;
    },
    servers: [label],
  };
}
