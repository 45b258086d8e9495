/**
 * `mailcheck list <file>`: judges every address of a list with DNS only
 * (syntax, domain exists, accepts mail, disposable, role, typo, duplicate)
 * and never connects to a mail server: probing mailboxes over SMTP gets the
 * prober's address blocklisted and proves little (RFC 5321 §3.5.3: VRFY and
 * RCPT answers need not be truthful).
 *
 * Streaming: rows are read, parsed and their domain's lookup started as they
 * come; rows are written in input order as soon as their domain is answered,
 * with at most WINDOW rows waiting. Each distinct domain is looked up once,
 * concurrently, over the run's one resolver and cache.
 */
import { parseAddress, duplicateKey, type AddressParseResult } from '../list/address.js';
import { lookupDomain, type DomainFacts } from '../list/domain-facts.js';
import { domainTraits, judgeRow, type DomainTraits } from '../list/judge.js';
import { bufferedWriter, csvOutputRow, textRow, textSummary, verdictColumnNames, type ChunkSink } from '../list/output.js';
import { csvRecord, readRecords, type InputRecord } from '../list/records.js';
import { listExitCode } from '../exit-code.js';
import { LIST_SCHEMA_VERSION, type ListRow, type ListSummary } from '../list/schema.js';
import { InputError } from '../domain.js';
import type { DnsClient } from '../dns/types.js';
import type { Style } from '../report/style.js';

/** Rows waiting for their domain's answer before reading pauses. */
const WINDOW = 4_096;

export type ListFormat = 'text' | 'csv' | 'json' | 'ndjson';

export interface ListCommandInput {
  /** The input as text chunks (a file or stdin). */
  chunks: AsyncIterable<string>;
  /** Name of the input for messages. */
  source: string;
  /** CSV column holding the address (name, case-insensitive, or 1-based number); without it, one address per line. */
  column?: string;
  /** Fold Gmail dots and +tags when finding duplicates. */
  fold: boolean;
  format: ListFormat;
  style: Style;
  /** The report. */
  out: ChunkSink;
  /** Rows judged ok, in the input's shape. */
  valid?: ChunkSink;
  /** Rows judged invalid, in the input's shape. */
  invalid?: ChunkSink;
  /** Called after each row is written (progress). */
  onRow?: (done: number, domains: number) => void;
  tool: { name: string; version: string };
  /** DNS questions sent on the wire so far (for the summary). */
  queryCount?: () => number;
}

interface Pending {
  record: InputRecord;
  raw: string;
  parsed: AddressParseResult;
  duplicate: boolean;
  facts?: Promise<DomainFacts>;
  traits?: DomainTraits;
}

/** Finds the address column in a CSV header. */
export function addressColumn(header: readonly string[], column: string, source: string): number {
  if (/^\d+$/.test(column)) {
    const index = Number(column) - 1;
    if (index >= 0 && index < header.length) return index;
  }
  const wanted = column.trim().toLowerCase();
  const index = header.findIndex((name) => name.trim().toLowerCase() === wanted);
  if (index === -1) {
    const names = header.map((name) => `"${name}"`).join(', ');
    throw new InputError(`${source} has no column "${column}" (its columns: ${names}). Name one with --column`);
  }
  return index;
}

/** Runs the list command; resolves to the summary and the exit code. */
export async function listCommand(input: ListCommandInput, dns: DnsClient): Promise<{ summary: ListSummary; exitCode: number }> {
  const out = bufferedWriter(input.out);
  const valid = input.valid ? bufferedWriter(input.valid) : undefined;
  const invalid = input.invalid ? bufferedWriter(input.invalid) : undefined;
  const csv = input.column !== undefined;
  const facts = new Map<string, Promise<DomainFacts>>();
  const traits = new Map<string, DomainTraits>();
  /** Local parts seen, per domain: the domain is stored once, not once per address (a million rows stay in tens of MB). */
  const seen = new Map<string, Set<string>>();
  const summary: ListSummary = { rows: 0, verdicts: { ok: 0, risky: 0, invalid: 0 }, reasons: {}, domains: 0, dnsQueries: 0 };
  let header: string[] | undefined;
  let columnIndex = 0;
  let firstJsonRow = true;

  if (input.format === 'json') {
    out.write(`{"schemaVersion":${LIST_SCHEMA_VERSION},"tool":${JSON.stringify(input.tool)},"results":[`);
  }

  const emit = async (item: Pending): Promise<void> => {
    const domainFacts = item.facts ? await item.facts : undefined;
    const judged = judgeRow(item.parsed, {
      duplicate: item.duplicate,
      ...(domainFacts ? { facts: domainFacts } : {}),
      ...(item.traits ? { traits: item.traits } : {}),
    });
    const row: ListRow = { line: item.record.line, address: item.raw.trim(), verdict: judged.verdict, reasons: judged.reasons };
    if (item.parsed.ok) {
      row.normalized = item.parsed.value.address;
      row.domain = item.parsed.value.domain;
    }
    if (judged.suggestion) row.suggestion = judged.suggestion;
    if (judged.detail) row.detail = judged.detail;
    if (domainFacts && domainFacts.mxHosts.length > 0) row.mx = domainFacts.mxHosts;

    summary.rows++;
    summary.verdicts[row.verdict]++;
    for (const reason of row.reasons) summary.reasons[reason] = (summary.reasons[reason] ?? 0) + 1;

    const waits: Array<Promise<void> | undefined> = [];
    switch (input.format) {
      case 'csv':
        waits.push(out.write(csv ? csvOutputRow(item.record.fields, row) : csvOutputRow([row.address], row)));
        break;
      case 'json':
        waits.push(out.write(`${firstJsonRow ? '' : ','}\n${JSON.stringify(row)}`));
        firstJsonRow = false;
        break;
      case 'ndjson':
        waits.push(out.write(`${JSON.stringify(row)}\n`));
        break;
      case 'text':
        if (row.verdict !== 'ok') waits.push(out.write(textRow(row, input.style)));
        break;
    }
    const split = row.verdict === 'ok' ? valid : row.verdict === 'invalid' ? invalid : undefined;
    if (split) waits.push(split.write(csv ? csvRecord(item.record.fields) : `${row.address}\n`));
    for (const wait of waits) if (wait) await wait;
    input.onRow?.(summary.rows, facts.size);
  };

  const queue: Pending[] = [];
  let head = 0;
  for await (const record of readRecords(input.chunks, csv ? 'csv' : 'lines', input.source)) {
    if (csv && header === undefined) {
      header = record.fields;
      columnIndex = addressColumn(header, input.column!, input.source);
      const columns = verdictColumnNames(header);
      if (input.format === 'csv') out.write(csvRecord([...header, ...columns]));
      if (valid) valid.write(csvRecord(header));
      if (invalid) invalid.write(csvRecord(header));
      continue;
    }
    if (!csv && header === undefined) {
      header = [];
      if (input.format === 'csv') out.write(csvRecord(['address', ...verdictColumnNames([])]));
    }
    const raw = record.fields[columnIndex] ?? '';
    const parsed = parseAddress(raw);
    const item: Pending = { record, raw, parsed, duplicate: false };
    if (parsed.ok) {
      const key = duplicateKey(parsed.value, input.fold);
      const at = key.lastIndexOf('@');
      const keyDomain = key.slice(at + 1);
      // A fresh copy of the local part, so the set does not keep the whole input line alive through a sliced string.
      const local = Buffer.from(key.slice(0, at), 'utf8').toString('utf8');
      let locals = seen.get(keyDomain);
      if (!locals) seen.set(keyDomain, (locals = new Set()));
      item.duplicate = locals.has(local);
      locals.add(local);
      const domain = parsed.value.domain;
      if (!parsed.value.literal) {
        let lookup = facts.get(domain);
        if (!lookup) {
          lookup = lookupDomain(dns, domain);
          facts.set(domain, lookup);
          traits.set(domain, domainTraits(domain));
        }
        item.facts = lookup;
        item.traits = traits.get(domain)!;
      }
    }
    queue.push(item);
    if (queue.length - head >= WINDOW) {
      await emit(queue[head]!);
      queue[head++] = undefined as unknown as Pending;
      if (head > WINDOW) {
        queue.splice(0, head);
        head = 0;
      }
    }
  }
  for (; head < queue.length; head++) await emit(queue[head]!);

  summary.domains = facts.size;
  summary.dnsQueries = input.queryCount?.() ?? 0;
  switch (input.format) {
    case 'json':
      out.write(`${firstJsonRow ? '' : '\n'}],"summary":${JSON.stringify(summary)}}\n`);
      break;
    case 'ndjson':
      out.write(`${JSON.stringify({ summary })}\n`);
      break;
    case 'text':
      out.write(textSummary(summary, input.style));
      break;
    case 'csv':
      break;
  }
  await Promise.all([out.flush(), valid?.flush(), invalid?.flush()]);
  return { summary, exitCode: listExitCode(summary) };
}
