/**
 * Reading report files: folders (recursive, Maildir included), plain XML and
 * JSON, gzip (node:zlib), zip (yauzl), e-mails (.eml, Maildir files) and mbox
 * files (RFC 4155) carrying reports as attachments. The kind of every file
 * and part is taken from its first bytes, not its name. Every failure is
 * reported for its file and the run goes on.
 *
 * Bounds: a document (one report, one e-mail) is at most `maxDocumentBytes`
 * once inflated. A gzip stream is inflated with that output limit; a zip
 * archive's entries are refused by their declared sizes before anything is
 * inflated (and yauzl checks the declared size while inflating), so a zip
 * bomb costs nothing. Large mbox files are read as a stream, one message at
 * a time.
 */
import { closeSync, createReadStream, lstatSync, openSync, readdirSync, readFileSync, readSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { createAggregateXmlParser } from './aggregate-xml.js';
import { parseEmail } from './email.js';
import { parseJsonReport } from './json-reports.js';
import { ReportInputError, type AggregateRecord, type AggregateReport, type ParsedReport } from './model.js';

export interface InputLimits {
  /** Largest report or e-mail, inflated (default 64 MiB). */
  maxDocumentBytes: number;
  /** Most entries read from one zip archive (default 10,000). */
  maxArchiveEntries: number;
  /** Largest sum of a zip archive's declared entry sizes, and of all data inflated from one file (default 1 GiB). */
  maxArchiveBytes: number;
  /** Bytes inflated so far from the current file, at every level of nesting (set per file). */
  inflated?: { bytes: number };
}

/** The file's inflation budget is spent: the whole file is given up, not only the part. */
class BudgetExceeded extends ReportInputError {}

/**
 * Counts inflated bytes against the file's budget: nested archives (a zip of
 * zips of gzip files) cannot multiply their way past the limit.
 */
function spend(limits: InputLimits, bytes: number): void {
  if (!limits.inflated) return;
  limits.inflated.bytes += bytes;
  if (limits.inflated.bytes > limits.maxArchiveBytes) {
    throw new BudgetExceeded(`refused: more than ${mib(limits.maxArchiveBytes)} inflated from one file (nested archives?)`);
  }
}

export const DEFAULT_LIMITS: InputLimits = { maxDocumentBytes: 64 * 1024 * 1024, maxArchiveEntries: 10_000, maxArchiveBytes: 1024 * 1024 * 1024 };

/** Where the reports and errors go, one at a time. */
export interface InputSink {
  /** A failure or TLS-RPT report. */
  report(file: string, report: ParsedReport): void;
  /** An aggregate report's metadata and policy (no records): returns where its records go, or undefined to skip them. */
  aggregate(file: string, header: AggregateReport): ((record: AggregateRecord) => void) | undefined;
  error(file: string, message: string): void;
}

/** Containers nested deeper than this (a zip in a gzip in an e-mail in a zip …) are refused. */
const MAX_NESTING = 6;

/** Files of mail stores that are not messages (Dovecot and Courier indexes, Maildir++ markers). */
const STORE_FILES = /^(dovecot[.-]|maildirfolder$|subscriptions$|courierimap|\.)/i;

const mib = (bytes: number) => `${Math.round(bytes / 1048576)} MiB`;

/** Reads every path (files, folders recursively) and hands each report or error to the sink. */
export async function readInputs(paths: readonly string[], sink: InputSink, limits: InputLimits = DEFAULT_LIMITS): Promise<void> {
  for (const given of paths) await readPath(given, sink, limits, true);
}

/**
 * Files and folders are read with synchronous calls: one file at a time is
 * the design (bounded memory), and for many small report files the thread
 * pool's round trips would cost more than the reading itself.
 */
async function readPath(file: string, sink: InputSink, limits: InputLimits, given: boolean): Promise<void> {
  let stat;
  try {
    stat = given ? statSync(file) : lstatSync(file);
  } catch (error) {
    sink.error(file, `cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return;
  }
  if (stat.isDirectory()) await readFolder(file, sink, limits);
  // Symbolic links inside folders are not followed (no loops, no escaping the folder).
  else if (stat.isFile()) await readFile(file, stat.size, sink, limits);
}

async function readFolder(folder: string, sink: InputSink, limits: InputLimits): Promise<void> {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    sink.error(folder, `cannot read the folder (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return;
  }
  // A Maildir's tmp/ holds deliveries still being written: not messages yet.
  const names = new Set(entries.map((entry) => entry.name));
  const maildir = names.has('cur') && names.has('new');
  for (const entry of entries) {
    if ((maildir && entry.name === 'tmp') || STORE_FILES.test(entry.name)) continue;
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) await readFolder(file, sink, limits);
    else if (entry.isFile()) {
      let size: number;
      try {
        size = statSync(file).size;
      } catch (error) {
        sink.error(file, `cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
        continue;
      }
      await readFile(file, size, sink, limits);
    }
  }
}

async function readFile(file: string, size: number, sink: InputSink, shared: InputLimits): Promise<void> {
  const limits: InputLimits = { ...shared, inflated: { bytes: 0 } };
  try {
    if (size > limits.maxDocumentBytes) {
      const head = readHead(file, 5);
      if (head.toString('latin1') === 'From ') return await readMboxStream(file, sink, limits);
      if (isZip(head)) return await readZip(await yauzl.openPromise(file, ZIP_OPTIONS), file, sink, limits, 1);
      throw new ReportInputError(`too large: ${mib(size)}, more than the ${mib(limits.maxDocumentBytes)} a report may have`);
    }
    await dispatch(file, readFileSync(file), sink, limits, 0);
  } catch (error) {
    sink.error(file, messageOf(error));
  }
}

function readHead(file: string, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

export function messageOf(error: unknown): string {
  if (error instanceof ReportInputError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `cannot read: ${message}`;
}

const isGzip = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b;
const isZip = (bytes: Uint8Array) => bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05) && (bytes[3] === 0x04 || bytes[3] === 0x06);
/** RFC 5322 §2.2 header field names in practice (letters, digits, hyphens), then a colon: the start of an e-mail. */
const HEADER_LINE = /^[A-Za-z][A-Za-z0-9-]{0,75}:/;

/**
 * Reads one document by its first bytes: gzip, zip, XML, JSON, mbox or an
 * e-mail. Reports go to the sink; errors are thrown (the caller names the file).
 */
export async function dispatch(name: string, bytes: Buffer, sink: InputSink, limits: InputLimits, depth: number): Promise<void> {
  if (depth > MAX_NESTING) throw new ReportInputError('containers nested too deep');
  if (isGzip(bytes)) return dispatch(name, gunzipBounded(bytes, limits), sink, limits, depth + 1);
  if (isZip(bytes)) return readZip(await yauzl.fromBufferPromise(bytes, ZIP_OPTIONS), name, sink, limits, depth + 1);
  const ascii = bytes.subarray(0, 80).toString('latin1');
  if (ascii.startsWith('From ')) {
    for (const [index, message] of splitMbox(bytes).entries()) await readEmail(`${name}#${index + 1}`, message, sink, limits, depth + 1);
    return;
  }
  if (HEADER_LINE.test(ascii)) return readEmail(name, bytes, sink, limits, depth + 1);
  const start = firstSignificantByte(bytes);
  if (start === 0x3c) return readXml(name, bytes, sink);
  if (start === 0x7b) {
    let value: unknown;
    try {
      value = JSON.parse(decodeUtf8(bytes).replace(/^\uFEFF/, ''));
    } catch (error) {
      if (error instanceof ReportInputError) throw error;
      throw new ReportInputError(`invalid JSON: ${(error as Error).message}`);
    }
    const report = parseJsonReport(value);
    if (report.kind !== 'aggregate') return sink.report(name, report);
    const fold = sink.aggregate(name, { ...report, records: [] });
    if (fold) for (const record of report.records) fold(record);
    return;
  }
  throw new ReportInputError('not a report: neither XML, JSON, gzip, zip nor an e-mail');
}

/** The first byte after a UTF-8 byte order mark and white space. */
function firstSignificantByte(bytes: Buffer): number | undefined {
  let at = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (at < bytes.length && (bytes[at] === 0x20 || bytes[at] === 0x09 || bytes[at] === 0x0a || bytes[at] === 0x0d)) at++;
  return bytes[at];
}

/** An XML report decoded and parsed in slices, its records handed on one at a time. */
function readXml(name: string, bytes: Buffer, sink: InputSink): void {
  const parser = createAggregateXmlParser((header) => sink.aggregate(name, header));
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const decode = (slice?: Buffer) => {
    try {
      return slice ? decoder.decode(slice, { stream: true }) : decoder.decode();
    } catch {
      throw new ReportInputError('invalid UTF-8');
    }
  };
  for (let at = 0; at < bytes.length; at += XML_SLICE) parser.write(decode(bytes.subarray(at, at + XML_SLICE)));
  parser.write(decode());
  parser.close();
}

/** Bytes decoded and parsed at a time. */
const XML_SLICE = 1024 * 1024;

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ReportInputError('invalid UTF-8');
  }
}

/** Inflates gzip data, refusing output beyond the limit (RFC 1952 §2.3.1 ISIZE is checked first, then the output itself). */
function gunzipBounded(bytes: Buffer, limits: InputLimits): Buffer {
  const declared = bytes.length >= 18 ? bytes.readUInt32LE(bytes.length - 4) : 0;
  const refused = () => new ReportInputError(`refused: the gzip data inflates to more than ${mib(limits.maxDocumentBytes)} (a compression bomb?)`);
  if (declared > limits.maxDocumentBytes) throw refused();
  try {
    const inflated = gunzipSync(bytes, { maxOutputLength: limits.maxDocumentBytes });
    spend(limits, inflated.length);
    return inflated;
  } catch (error) {
    if (error instanceof ReportInputError) throw error;
    if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw refused();
    throw new ReportInputError(`invalid gzip data: ${(error as Error).message}`);
  }
}

const ZIP_OPTIONS = { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false, decodeStrings: true };

/** Reads a zip archive: the central directory first, every size checked, then each entry inflated in turn. */
async function readZip(zip: yauzl.ZipFile, name: string, sink: InputSink, limits: InputLimits, depth: number): Promise<void> {
  try {
    const entries = await listEntries(zip, limits);
    const declared = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
    if (declared > limits.maxArchiveBytes) {
      throw new ReportInputError(`refused: the zip archive declares ${mib(declared)} of content, more than ${mib(limits.maxArchiveBytes)} (a zip bomb?)`);
    }
    for (const entry of entries) {
      const entryName = `${name}!${entry.fileName}`;
      try {
        if (entry.uncompressedSize > limits.maxDocumentBytes) {
          throw new ReportInputError(`refused: the entry inflates to ${mib(entry.uncompressedSize)}, more than ${mib(limits.maxDocumentBytes)} (a zip bomb?)`);
        }
        if (entry.isEncrypted()) throw new ReportInputError('encrypted zip entry');
        const bytes = await entryContent(zip, entry, limits);
        spend(limits, bytes.length);
        await dispatch(entryName, bytes, sink, limits, depth);
      } catch (error) {
        if (error instanceof BudgetExceeded) throw error;
        sink.error(entryName, messageOf(error));
      }
    }
  } finally {
    zip.close();
  }
}

/**
 * One entry's content. Deflated entries (APPNOTE §4.4.5 method 8) are read
 * raw and inflated here in one call with the output limit (cheaper than a
 * stream per small report); the result must have the declared size.
 */
async function entryContent(zip: yauzl.ZipFile, entry: yauzl.Entry, limits: InputLimits): Promise<Buffer> {
  if (entry.compressionMethod !== 8) return collect(await zip.openReadStreamPromise(entry), limits.maxDocumentBytes);
  const raw = await collect(await zip.openReadStreamPromise(entry, { decodeFileData: false }), limits.maxDocumentBytes);
  let bytes: Buffer;
  try {
    bytes = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  } catch (error) {
    if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ReportInputError('refused: the entry inflates to more than its declared size');
    }
    throw new ReportInputError(`invalid zip entry: ${(error as Error).message}`);
  }
  if (bytes.length !== entry.uncompressedSize) throw new ReportInputError('invalid zip entry: its size differs from the declared size');
  return bytes;
}

function listEntries(zip: yauzl.ZipFile, limits: InputLimits): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('/')) entries.push(entry);
      if (entries.length > limits.maxArchiveEntries) {
        reject(new ReportInputError(`refused: the zip archive has more than ${limits.maxArchiveEntries} entries`));
        return;
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (error: Error) => reject(new ReportInputError(`invalid zip archive: ${error.message}`)));
    zip.readEntry();
  });
}

/** Reads a stream into memory, stopping it once it passes `limit` bytes. */
function collect(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    stream.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        stream.destroy();
        reject(new ReportInputError(`refused: inflates to more than ${mib(limit)}`));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', (error) => reject(new ReportInputError(`invalid compressed data: ${error.message}`)));
  });
}

/** RFC 4155: messages of an mbox start at lines beginning "From "; mboxrd's ">From " escapes are undone. */
export function splitMbox(bytes: Buffer): Buffer[] {
  const lines = bytes.toString('latin1').split('\n');
  const messages: Buffer[] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    if (line.startsWith('From ')) {
      if (current) messages.push(Buffer.from(current.join('\n'), 'latin1'));
      current = [];
    } else if (current) {
      current.push(/^>+From /.test(line) ? line.slice(1) : line);
    }
  }
  if (current) messages.push(Buffer.from(current.join('\n'), 'latin1'));
  return messages;
}

/** An mbox larger than one document: read line by line, one message in memory at a time. */
async function readMboxStream(file: string, sink: InputSink, limits: InputLimits): Promise<void> {
  const lines = readline.createInterface({ input: createReadStream(file, { encoding: 'latin1' }), crlfDelay: Infinity });
  let current: string[] | undefined;
  let size = 0;
  let index = 0;
  let oversize = false;
  const flush = async () => {
    if (!current) return;
    const name = `${file}#${index}`;
    if (oversize) sink.error(name, `too large: more than the ${mib(limits.maxDocumentBytes)} a message may have`);
    else await readEmail(name, Buffer.from(current.join('\n'), 'latin1'), sink, limits, 1);
  };
  for await (const line of lines) {
    if (line.startsWith('From ')) {
      await flush();
      current = [];
      size = 0;
      oversize = false;
      index++;
      continue;
    }
    if (!current || oversize) continue;
    size += line.length + 1;
    if (size > limits.maxDocumentBytes) {
      oversize = true;
      current = [];
      continue;
    }
    current.push(/^>+From /.test(line) ? line.slice(1) : line);
  }
  await flush();
}

/** One e-mail: its report attachments read, a feedback report taken as a DMARC failure report. */
async function readEmail(name: string, bytes: Buffer, sink: InputSink, limits: InputLimits, depth: number): Promise<void> {
  try {
    const email = await parseEmail(bytes);
    for (const failure of email.failures) sink.report(name, failure);
    for (const attachment of email.attachments) {
      const part = `${name}!${attachment.name}`;
      try {
        await dispatch(part, attachment.content, sink, limits, depth);
      } catch (error) {
        if (error instanceof BudgetExceeded) throw error;
        sink.error(part, messageOf(error));
      }
    }
    if (email.failures.length === 0 && email.attachments.length === 0) {
      throw new ReportInputError('the e-mail carries no DMARC or TLS-RPT report');
    }
  } catch (error) {
    if (error instanceof BudgetExceeded) throw error;
    sink.error(name, messageOf(error));
  }
}
