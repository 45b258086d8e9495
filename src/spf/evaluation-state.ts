/**
 * The state of one check_host() evaluation (./evaluate.ts) shared with the
 * mechanism matchers (./mechanisms.ts): the result types, the DNS query that
 * traces and bounds every lookup, and the lookup limits of RFC 7208 §4.6.4.
 */
import type { DnsAnswer, DnsClient, RRType, RecordData } from '../dns/types.js';
import type { IpAddress } from './ip.js';
import type { MacroValues } from './macro.js';
import type { ParsedRecord } from './parse.js';

export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror';

/** One line of the evaluation trace. */
export interface TraceEntry {
  /** Include/redirect depth, 0 for the domain asked about. */
  depth: number;
  /** The domain whose record is being evaluated. */
  domain: string;
  step: 'record' | 'query' | 'term' | 'redirect' | 'explanation' | 'error';
  detail: string;
}

/** A term on the path to the decision, outermost first. */
export interface DecisionStep {
  domain: string;
  /** The term as written (`include:…`, `redirect=…`, `-all`). */
  term: string;
  /** 1-based term index in that domain's record. */
  index: number;
}

/** Everything one evaluation carries from term to term. */
export interface State {
  dns: DnsClient;
  ip: IpAddress;
  macro: Omit<MacroValues, 'domain'>;
  lookups: number;
  voids: number;
  maxLookups: number;
  maxVoids: number;
  deadline: number;
  trace: TraceEntry[];
  /** §4.4–§4.7 for an include or redirect target, one level deeper. */
  evaluateDomain(domain: string, depth: number): Promise<DomainOutcome>;
}

/** Terminates evaluation with temperror or permerror. */
export class Abort extends Error {
  constructor(
    readonly result: 'temperror' | 'permerror',
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** How one domain's record decided. */
export interface DomainOutcome {
  result: SpfResult;
  path: DecisionStep[];
  mechanism?: string;
  mechanismDomain?: string;
  reason?: string;
  /** The record and domain whose exp= applies (the last record of a redirect chain). */
  expFrom?: { record: ParsedRecord; domain: string };
}

/**
 * RFC 7208 §4.3: a domain that is malformed or not multi-label gives "none".
 * Labels: 1–63 octets of letters, digits, hyphen or underscore; the top label not all-numeric.
 */
export function isValidDomain(domain: string): boolean {
  const name = domain.endsWith('.') ? domain.slice(0, -1) : domain;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((label) => /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(label))) return false;
  return !/^[0-9]+$/.test(labels[labels.length - 1]!);
}

/** One DNS query of the evaluation: bounded by the deadline, traced; a failure to ask is a temperror. */
export async function query<T extends RRType>(state: State, depth: number, domain: string, name: string, type: T): Promise<DnsAnswer<RecordData[T]>> {
  if (Date.now() > state.deadline) throw new Abort('temperror', 'the evaluation exceeded its time limit (RFC 7208 §4.6.4)');
  let answer: DnsAnswer<RecordData[T]>;
  try {
    answer = await state.dns.query(name, type);
  } catch (error) {
    // A name that cannot be put in a query (RFC 1035 §2.3.4) cannot exist: treated as NXDOMAIN.
    if (error instanceof Error && (error as { code?: string }).code === 'EBADNAME') {
      state.trace.push({ depth, domain, step: 'query', detail: `${name} ${type}: not a valid DNS name (${error.message})` });
      return { status: 'nxdomain', ad: false, cnames: [] };
    }
    throw new Abort('temperror', `DNS query ${name} ${type} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const detail =
    answer.status === 'ok'
      ? `${name} ${type}: ${answer.records.map((record) => describeRecord(type, record)).join(', ')}`
      : `${name} ${type}: ${answer.status}`;
  state.trace.push({ depth, domain, step: 'query', detail });
  return answer;
}

function describeRecord(type: RRType, record: unknown): string {
  if (type === 'TXT') return JSON.stringify((record as string[]).join(''));
  if (type === 'MX') {
    const mx = record as RecordData['MX'];
    return `${mx.preference} ${mx.exchange || '.'}`;
  }
  return String(record);
}

/** Counts a void lookup (§4.6.4). */
export function countVoid(state: State, depth: number, domain: string, name: string): void {
  state.voids++;
  // RFC 7208 §4.6.4: more than two void lookups is a permerror.
  if (state.voids > state.maxVoids) {
    throw new Abort('permerror', `more than ${state.maxVoids} void DNS lookups (the last: ${name}; RFC 7208 §4.6.4)`);
  }
  state.trace.push({ depth, domain, step: 'query', detail: `void lookup ${state.voids} of ${state.maxVoids} allowed: ${name}` });
}

/** Counts a DNS-querying term (§4.6.4). */
export function countLookup(state: State, term: string): void {
  state.lookups++;
  // RFC 7208 §4.6.4: at most 10 terms that cause DNS lookups; more is a permerror.
  if (state.lookups > state.maxLookups) {
    throw new Abort('permerror', `more than ${state.maxLookups} DNS-querying terms (the 11th: ${term}; RFC 7208 §4.6.4)`);
  }
}
