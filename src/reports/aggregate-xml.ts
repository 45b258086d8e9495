/**
 * DMARC aggregate reports in XML: RFC 7489 Appendix C and RFC 9990 (the
 * `urn:ietf:params:xml:ns:dmarc-2.0` namespace). Parsed with a streaming XML
 * parser (saxes): the text arrives in chunks, element paths are tracked and
 * only the leaves the report needs are kept. A DOCTYPE is refused outright
 * (no DTD, no entity expansion: RFC 7489 Appendix C defines none), and every
 * leaf is bounded in length.
 */
import { SaxesParser } from 'saxes';
import { parseIp } from '../lookups/reverse.js';
import { ReportInputError, type AggregateRecord, type AggregateReport, type AuthResult } from './model.js';

/** RFC 9990 §3: the namespace of version 2 reports. */
export const DMARC_XML_NAMESPACE_2 = 'urn:ietf:params:xml:ns:dmarc-2.0';

/** Longest text kept of one element: report fields are short (domains, ids, comments). */
const MAX_LEAF_CHARS = 2048;
/**
 * Streaming use: called once with the report's metadata and policy (its
 * `records` empty) when the first record starts, or at the end when there is
 * none; returns where the records go, one by one, or undefined to skip them.
 * RFC 7489 Appendix C orders report_metadata and policy_published before the
 * records, so a report that does not is refused.
 */
export type HeaderHandler = (header: AggregateReport) => ((record: AggregateRecord) => void) | undefined;

/** Element nesting deeper than any report needs is hostile. */
const MAX_DEPTH = 16;

interface Draft {
  namespace: string;
  version?: string;
  orgName?: string;
  reportId?: string;
  begin?: string;
  end?: string;
  policy: Record<string, string>;
  records: AggregateRecord[];
  record?: Partial<AggregateRecord> & { reasons: AggregateRecord['reasons']; dkimResults: AuthResult[]; spfResults: AuthResult[] };
  auth?: Partial<AuthResult>;
  reason?: { type?: string; comment?: string };
}

/**
 * A parser that takes the report's text in chunks (`write`) and returns the
 * report on `close`; throws ReportInputError on malformed XML or a report that
 * lacks what RFC 7489 Appendix C requires.
 */
export function createAggregateXmlParser(onHeader?: HeaderHandler): { write(text: string): void; close(): AggregateReport } {
  // Namespaces are not processed (cheaper): the root's xmlns attribute is read and prefixes are dropped.
  const parser = new SaxesParser({ position: false });
  const draft: Draft = { namespace: '', policy: {}, records: [] };
  // The element path ("feedback/record/row/count") as a node of the shared path tree, and the nodes above it.
  let node = ROOT_PATH;
  let where = '';
  const cuts: PathNode[] = [];
  let text = '';
  let rootSeen = false;
  let headerSent = false;
  let consumer: ((record: AggregateRecord) => void) | undefined;
  const fail = (message: string): never => {
    throw new ReportInputError(message);
  };
  parser.on('error', (error) => fail(`invalid XML: ${error.message.replace(/^\S*:\d+:\d+: /, '')}`));
  parser.on('doctype', () => fail('invalid XML: a DOCTYPE is not allowed in a DMARC report (DTDs and entities are refused)'));
  parser.on('opentag', (tag) => {
    const colon = tag.name.indexOf(':');
    const local = colon < 0 ? tag.name : tag.name.slice(colon + 1);
    if (cuts.length === 0) {
      if (rootSeen || local !== 'feedback') fail(`not a DMARC aggregate report: the root element is <${tag.name.slice(0, 60)}>, not <feedback>`);
      rootSeen = true;
      const xmlns = tag.attributes[colon < 0 ? 'xmlns' : `xmlns:${tag.name.slice(0, colon)}`];
      draft.namespace = typeof xmlns === 'string' ? xmlns : '';
    }
    cuts.push(node);
    node = childPath(node, local);
    where = node.path;
    if (cuts.length > MAX_DEPTH) fail('invalid report: elements nested too deep');
    text = '';
    if (where === 'feedback/record') {
      if (onHeader && !headerSent) {
        headerSent = true;
        consumer = onHeader(finish(draft));
      }
      draft.record = { reasons: [], dkimResults: [], spfResults: [] };
    }
    else if (where === 'feedback/record/auth_results/dkim' || where === 'feedback/record/auth_results/spf') draft.auth = {};
    else if (where === 'feedback/record/row/policy_evaluated/reason') draft.reason = {};
  });
  parser.on('text', (chunk) => {
    if (text.length < MAX_LEAF_CHARS) text += chunk.length > MAX_LEAF_CHARS ? chunk.slice(0, MAX_LEAF_CHARS - text.length) : chunk;
  });
  parser.on('cdata', (chunk) => {
    if (text.length < MAX_LEAF_CHARS) text += chunk.slice(0, MAX_LEAF_CHARS - text.length);
  });
  parser.on('closetag', () => {
    closeElement(draft, where, text.trim());
    // Streaming: each record goes on as it closes, so a report of any size holds one record at a time.
    if (onHeader && draft.records.length > 0) {
      const record = draft.records.pop()!;
      consumer?.(record);
    }
    node = cuts.pop() ?? ROOT_PATH;
    where = node.path;
    text = '';
  });
  return {
    write(chunk: string) {
      parser.write(chunk);
    },
    close() {
      parser.close();
      if (!rootSeen) fail('not a DMARC aggregate report: no <feedback> element');
      const report = finish(draft);
      if (onHeader && !headerSent) onHeader(report);
      return report;
    },
  };
}

/**
 * Element paths are kept in a tree shared by every report, so each path
 * string is built (and flattened for comparison) once, not once per element.
 * The tree is bounded: paths beyond it are built each time.
 */
interface PathNode {
  path: string;
  children: Map<string, PathNode>;
}

const ROOT_PATH: PathNode = { path: '', children: new Map() };
const MAX_PATH_NODES = 2048;
let pathNodes = 0;

function childPath(parent: PathNode, local: string): PathNode {
  const known = parent.children.get(local);
  if (known) return known;
  // Flattened once: comparisons in closeElement then read one contiguous string.
  const path = (parent.path === '' ? local : `${parent.path}/${local}`).split('').join('');
  const child: PathNode = { path, children: new Map() };
  if (pathNodes < MAX_PATH_NODES) {
    parent.children.set(local, child);
    pathNodes++;
  }
  return child;
}

/** Parses a whole report held in memory. */
export function parseAggregateXml(text: string): AggregateReport {
  const parser = createAggregateXmlParser();
  // Fed in slices, as a stream would be, so one code path serves both.
  for (let at = 0; at < text.length; at += 65536) parser.write(text.slice(at, at + 65536));
  return parser.close();
}

function closeElement(draft: Draft, where: string, value: string): void {
  const record = draft.record;
  switch (where) {
    case 'feedback/version':
      draft.version = value;
      return;
    case 'feedback/report_metadata/org_name':
      draft.orgName = value;
      return;
    case 'feedback/report_metadata/report_id':
      draft.reportId = value;
      return;
    case 'feedback/report_metadata/date_range/begin':
      draft.begin = value;
      return;
    case 'feedback/report_metadata/date_range/end':
      draft.end = value;
      return;
    case 'feedback/record':
      if (record) draft.records.push(finishRecord(record));
      draft.record = undefined;
      return;
  }
  if (where.startsWith('feedback/policy_published/')) {
    const name = where.slice('feedback/policy_published/'.length);
    if (!name.includes('/')) draft.policy[name] = value;
    return;
  }
  if (!record) return;
  switch (where) {
    case 'feedback/record/row/source_ip':
      record.sourceIp = value;
      return;
    case 'feedback/record/row/count':
      record.count = count(value, 'count');
      return;
    case 'feedback/record/row/policy_evaluated/disposition':
      record.disposition = value.toLowerCase();
      return;
    case 'feedback/record/row/policy_evaluated/dkim':
      record.dkim = value.toLowerCase();
      return;
    case 'feedback/record/row/policy_evaluated/spf':
      record.spf = value.toLowerCase();
      return;
    case 'feedback/record/row/policy_evaluated/reason/type':
      if (draft.reason) draft.reason.type = value.toLowerCase();
      return;
    case 'feedback/record/row/policy_evaluated/reason/comment':
      if (draft.reason) draft.reason.comment = value;
      return;
    case 'feedback/record/row/policy_evaluated/reason':
      // At most a few reasons per row are kept: they are labels, not data.
      if (draft.reason?.type && record.reasons.length < 8) {
        record.reasons.push({ type: draft.reason.type, ...(draft.reason.comment ? { comment: draft.reason.comment } : {}) });
      }
      draft.reason = undefined;
      return;
    case 'feedback/record/identifiers/header_from':
      record.headerFrom = value.toLowerCase();
      return;
    case 'feedback/record/identifiers/envelope_from':
      if (value !== '') record.envelopeFrom = value.toLowerCase();
      return;
    case 'feedback/record/auth_results/dkim':
    case 'feedback/record/auth_results/spf': {
      const list = where.endsWith('dkim') ? record.dkimResults : record.spfResults;
      const auth = draft.auth;
      if (auth?.domain !== undefined && auth.result !== undefined && list.length < 16) list.push(auth as AuthResult);
      draft.auth = undefined;
      return;
    }
  }
  if (draft.auth && where.startsWith('feedback/record/auth_results/')) {
    const field = where.split('/').at(-1);
    if (field === 'domain') draft.auth.domain = value.toLowerCase();
    else if (field === 'result') draft.auth.result = value.toLowerCase();
    else if (field === 'selector' && value !== '') draft.auth.selector = value;
    else if (field === 'scope' && value !== '') draft.auth.scope = value.toLowerCase();
  }
}

function count(value: string, what: string): number {
  if (!/^\d{1,12}$/.test(value)) throw new ReportInputError(`invalid report: <${what}> is "${value.slice(0, 40)}", not a whole number`);
  return Number(value);
}

function finishRecord(record: NonNullable<Draft['record']>): AggregateRecord {
  const ip = parseIp(record.sourceIp ?? '');
  if (!ip) throw new ReportInputError(`invalid report: <source_ip> "${(record.sourceIp ?? '').slice(0, 60)}" is not an IP address`);
  if (record.count === undefined) throw new ReportInputError('invalid report: a <row> has no <count>');
  return {
    sourceIp: ip.text,
    count: record.count,
    disposition: record.disposition ?? 'none',
    dkim: record.dkim ?? 'fail',
    spf: record.spf ?? 'fail',
    reasons: record.reasons,
    headerFrom: record.headerFrom ?? '',
    ...(record.envelopeFrom ? { envelopeFrom: record.envelopeFrom } : {}),
    dkimResults: record.dkimResults,
    spfResults: record.spfResults,
  };
}

function finish(draft: Draft): AggregateReport {
  const domain = (draft.policy.domain ?? '').toLowerCase().replace(/\.$/, '');
  if (domain === '') throw new ReportInputError('invalid report: <policy_published> has no <domain>');
  if (draft.begin === undefined || draft.end === undefined) throw new ReportInputError('invalid report: <report_metadata> has no <date_range>');
  const begin = count(draft.begin, 'begin');
  const end = count(draft.end, 'end');
  const pct = draft.policy.pct !== undefined && /^\d{1,3}$/.test(draft.policy.pct) ? Number(draft.policy.pct) : undefined;
  const policy: AggregateReport['policy'] = { domain };
  for (const tag of ['p', 'sp', 'np', 'adkim', 'aspf', 'testing'] as const) {
    const value = draft.policy[tag];
    if (value) policy[tag] = value.toLowerCase();
  }
  if (pct !== undefined) policy.pct = pct;
  return {
    kind: 'aggregate',
    // RFC 9990 reports carry its namespace; some omit it but use tags only RFC 9990 defines.
    format: draft.namespace === DMARC_XML_NAMESPACE_2 || 'discovery_method' in draft.policy || 'np' in draft.policy ? 'rfc9990' : 'rfc7489',
    orgName: draft.orgName ?? '',
    reportId: draft.reportId ?? '',
    begin,
    end,
    policy,
    records: draft.records,
  };
}
