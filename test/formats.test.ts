import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CHECKS, CHECK_IDS } from '../src/checks/index.js';
import { formatNdjson, ndjsonLine } from '../src/report/ndjson.js';
import { PROFILE_IDS } from '../src/profiles/table.js';
import { csvField, csvHeader, csvRow, formatCsv } from '../src/report/csv.js';
import { formatMarkdown, mdCode, mdText } from '../src/report/markdown.js';
import { formatSarif, sarifLevel } from '../src/report/sarif.js';
import { formatJunit } from '../src/report/junit.js';
import { zoneLines } from '../src/report/common.js';
import { FORMATS } from '../src/report/formats.js';
import { diffReport } from '../src/baseline.js';
import { reportSchema, type Report } from '../src/schema/report.js';
import { brokenReport, check, finding, healthyReport, report } from './helpers/reports.js';
import { checkCatalogue } from '../src/check-catalogue.js';

const catalogue = checkCatalogue();

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Parses an RFC 4180 document (quoted fields, doubled quotes, CRLF records) to rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += char;
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

describe('ndjson', () => {
  it('writes one parseable Report per line', () => {
    const reports = [brokenReport(), healthyReport()];
    const text = formatNdjson(reports);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(2);
    lines.forEach((line, index) => expect(reportSchema.parse(JSON.parse(line))).toEqual(reports[index]));
    expect(ndjsonLine(reports[0]!)).toBe(`${lines[0]}\n`);
  });
});

describe('csv (RFC 4180)', () => {
  it('quotes fields with commas, quotes and line breaks, and only those', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
  });

  it('writes a header and one row per domain with statuses and finding ids', () => {
    const reports = [brokenReport(), healthyReport()];
    const text = formatCsv(reports, { catalogue });
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([
      'domain',
      'score',
      'grade',
      'complete',
      ...CHECK_IDS,
      'findings',
      'receiving_score',
      'receiving_grade',
      'parked',
      ...PROFILE_IDS.map((id) => `profile_${id}`),
    ]);
    expect(rows).toHaveLength(3);
    const header = rows[0]!;
    const broken = Object.fromEntries(header.map((name, index) => [name, rows[1]![index]]));
    expect(broken.domain).toBe('broken.example');
    expect(broken.score).toBe(String(reports[0]!.score.value));
    expect(broken.grade).toBe(reports[0]!.score.grade);
    expect(broken.complete).toBe('false');
    expect(broken.spf).toBe('fail');
    expect(broken.dkim).toBe('error');
    expect(broken.tls).toBe('skipped');
    expect(broken.findings).toBe('spf/too-many-lookups dmarc/policy-none mx/no-ipv6');
    const healthy = Object.fromEntries(header.map((name, index) => [name, rows[2]![index]]));
    expect(healthy.findings).toBe('');
    expect(healthy.complete).toBe('true');
    expect(healthy.receiving_score).toBe(String(reports[1]!.receiving.value));
    expect(healthy['profile_gmail-bulk']).toBe(reports[1]!.profiles.find((p) => p.id === 'gmail-bulk')!.verdict);
    expect(healthy.profile_gmail).toBe('');
  });

  it('round-trips a domain-like value that needs quoting, and adds baseline columns', () => {
    const odd = report('odd.example', [check('spf', [finding('spf/too-many-lookups', 'high')])]);
    const withDiff = { ...odd, diff: diffReport(odd, report('odd.example', [check('spf')])) };
    const options = { diffColumns: true };
    const rows = parseCsv(csvHeader({ ...options, catalogue }) + csvRow(withDiff, { ...options, catalogue }));
    const header = rows[0]!;
    expect(header.slice(-3)).toEqual(['score_delta', 'new_findings', 'resolved_findings']);
    const row = Object.fromEntries(header.map((name, index) => [name, rows[1]![index]]));
    expect(Number(row.score_delta)).toBe(withDiff.diff.scoreDelta);
    expect(row.new_findings).toBe('spf/too-many-lookups');
    expect(row.resolved_findings).toBe('');
    expect(parseCsv(`${csvField('x,"y"\r\nz')}\r\n`)).toEqual([['x,"y"\r\nz']]);
  });
});

describe('markdown', () => {
  it('has a score table, findings by severity and fixes as code blocks', () => {
    const reports = [brokenReport(), healthyReport()];
    const text = formatMarkdown(reports);
    const lines = text.split('\n');
    const tableStart = lines.indexOf('| Domain | Score | Grade | Receiving | Critical | High | Medium | Low | Info |');
    expect(tableStart).toBeGreaterThan(-1);
    const receiving = (index: number) => `${reports[index]!.receiving.value}/100 ${reports[index]!.receiving.grade}`;
    expect(lines[tableStart + 2]).toBe(
      `| broken.example | ${reports[0]!.score.value} (incomplete) | ${reports[0]!.score.grade} | ${receiving(0)} | 0 | 1 | 1 | 0 | 1 |`,
    );
    expect(lines[tableStart + 3]).toBe(`| healthy.example | ${reports[1]!.score.value} | ${reports[1]!.score.grade} | ${receiving(1)} | 0 | 0 | 0 | 0 | 0 |`);
    // Severity groups in order, high before medium before info.
    const high = lines.indexOf('**High** (at or above --fail-on)');
    const medium = lines.indexOf('**Medium**');
    const info = lines.indexOf('**Info**');
    expect(high).toBeGreaterThan(-1);
    expect(medium).toBeGreaterThan(high);
    expect(info).toBeGreaterThan(medium);
    expect(lines[high + 2]).toMatch(/^- `spf\/too-many-lookups` /);
    // The message's markup is escaped, not rendered.
    expect(text).toContain('\\<b\\>bold\\</b\\>');
    // Each fix's records in a dns code block, exactly as zone-file lines.
    const dmarcFix = zoneLines(reports[0]!.fixes.find((fix) => fix.findingId === 'dmarc/policy-none')!.fix.records![0]!);
    const block = ['   ```dns', ...dmarcFix.map((line) => `   ${line}`), '   ```'].join('\n');
    expect(text).toContain(block);
    expect(text).toContain('`<REPORT-MAILBOX>`');
  });

  it('shows the baseline comparison', () => {
    const before = report('a.example', [check('spf'), check('dmarc', [finding('dmarc/policy-none', 'medium')])]);
    const now = report('a.example', [check('spf', [finding('spf/too-many-lookups', 'high')]), check('dmarc')]);
    const text = formatMarkdown([{ ...now, diff: diffReport(now, before) }]);
    expect(text).toContain('| Domain | Score | Grade | Receiving | Critical | High | Medium | Low | Info | Δ score | New | Resolved |');
    expect(text).toMatch(/\*\*New\*\*\n\n- high `spf\/too-many-lookups`/);
    expect(text).toMatch(/\*\*Resolved\*\*\n\n- medium `dmarc\/policy-none`/);
  });

  it('escapes and fences safely', () => {
    expect(mdText('a|b *c* <x>')).toBe('a\\|b \\*c\\* \\<x\\>');
    expect(mdCode('has `tick`')).toBe('`` has `tick` ``');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('plain')).toBe('`plain`');
  });
});

describe('sarif 2.1.0', () => {
  const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  // The published schema declares draft-04; its keywords are the draft-07 subset Ajv validates.
  delete schema.$schema;
  delete schema.id;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  it('is valid against the SARIF 2.1.0 schema', () => {
    for (const reports of [[brokenReport(), healthyReport()], [], [healthyReport()]]) {
      const log = JSON.parse(formatSarif(reports, { catalogue }));
      const valid = validate(log);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
    // The validator does reject a log that breaks the schema.
    const broken = JSON.parse(formatSarif([brokenReport()], { catalogue }));
    broken.runs[0].results[0].level = 'fatal';
    expect(validate(broken)).toBe(false);
    const withArtifact = JSON.parse(formatSarif([brokenReport()], { catalogue, artifactUri: 'zones/example.zone' }));
    expect(validate(withArtifact)).toBe(true);
    expect(withArtifact.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('zones/example.zone');
  });

  it('has the finding catalogue as rules and every finding as a result', () => {
    const log = JSON.parse(formatSarif([brokenReport()], { catalogue }));
    const run = log.runs[0];
    expect(log.version).toBe('2.1.0');
    expect(run.tool.driver.name).toBe('mailcheck');
    const ruleIds: string[] = run.tool.driver.rules.map((rule: { id: string }) => rule.id);
    const catalogueIds = CHECKS.flatMap((definition) => Object.keys(definition.findings));
    expect(ruleIds.slice(0, catalogueIds.length)).toEqual(catalogueIds);
    for (const definition of CHECKS) {
      for (const [id, spec] of Object.entries(definition.findings)) {
        const rule = run.tool.driver.rules[ruleIds.indexOf(id)];
        expect(rule.shortDescription.text).toBe(spec.title);
        expect(rule.defaultConfiguration.level).toBe(sarifLevel(spec.severity));
        expect(rule.help.text.length).toBeGreaterThan(0);
      }
    }
    const all = run.results as Array<{ ruleId: string; ruleIndex: number; level: string; locations: any[] }>;
    // Mailbox-provider profiles are results of their own (see below).
    const results = all.filter((result) => !result.ruleId.startsWith('profile/'));
    expect(results.map((result) => [result.ruleId, result.level])).toEqual([
      ['mx/no-ipv6', 'note'],
      ['spf/too-many-lookups', 'error'],
      ['dmarc/policy-none', 'warning'],
    ]);
    for (const result of results) expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    // Logical locations: the record, nested under the domain.
    const dmarc = results[2]!;
    const [recordRef, domainRef] = dmarc.locations[0].logicalLocations;
    const record = run.logicalLocations[recordRef.index];
    const domain = run.logicalLocations[domainRef.index];
    expect(domain).toMatchObject({ name: 'broken.example', kind: 'namespace' });
    expect(record).toMatchObject({ name: '_dmarc.broken.example TXT', kind: 'resource', parentIndex: domainRef.index });
    // The errored check is a tool execution notification.
    expect(run.invocations[0].toolExecutionNotifications).toEqual([
      expect.objectContaining({ level: 'error', descriptor: { id: 'dkim' } }),
    ]);
  });
});

describe('junit', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });

  function parse(xml: string) {
    expect(XMLValidator.validate(xml)).toBe(true);
    return parser.parse(xml).testsuites;
  }

  it('has a testsuite per domain, a testcase per check, failures at or above --fail-on', () => {
    const reports = [brokenReport(), healthyReport()];
    const doc = parse(formatJunit(reports, { failOn: 'high' }));
    expect(doc.testsuite.map((suite: { name: string }) => suite.name)).toEqual(['broken.example', 'healthy.example']);
    const broken = doc.testsuite[0];
    const profiles = reports[0]!.profiles.map((profile) => `profile:${profile.id}`);
    expect(broken.testcase.map((tc: { name: string }) => tc.name)).toEqual(['mx', 'spf', 'dmarc', 'dkim', 'tls', ...profiles]);
    // Profiles not chosen with --profile never fail the suite.
    expect([broken.tests, broken.failures, broken.errors, broken.skipped]).toEqual([String(5 + profiles.length), '1', '1', '1']);
    const byName = Object.fromEntries(broken.testcase.map((tc: { name: string }) => [tc.name, tc]));
    expect(byName.spf.failure.message).toBe('spf/too-many-lookups');
    expect(byName.spf.failure['#text']).toContain('"limit"');
    expect(byName.dmarc.failure).toBeUndefined();
    expect(byName.dmarc['system-out']).toContain('dmarc/policy-none');
    expect(byName.dkim.error.message).toBe('DNS timeout for default._domainkey');
    expect(byName.tls.skipped.message).toBe('offline: network probes are skipped');
    expect(broken.properties.property).toContainEqual({ name: 'score', value: String(reports[0]!.score.value) });
    const healthyProfiles = reports[1]!.profiles.length;
    expect([doc.tests, doc.failures, doc.errors, doc.skipped]).toEqual([String(9 + profiles.length + healthyProfiles), '1', '1', '1']);
  });

  it('follows --fail-on and --min-score', () => {
    const medium = parse(formatJunit([brokenReport()], { failOn: 'medium', minScore: 90 })).testsuite[0];
    const byName = Object.fromEntries(medium.testcase.map((tc: { name: string }) => [tc.name, tc]));
    expect(byName.dmarc.failure.message).toBe('dmarc/policy-none');
    expect(byName.score.failure.type).toBe('min-score');
    expect(medium.failures).toBe('3');
    const none = parse(formatJunit([brokenReport()], { failOn: 'none' })).testsuite[0];
    expect(none.failures).toBe('0');
  });

  it('escapes markup and shows characters XML forbids as escapes', () => {
    const odd = report('odd.example', [
      check('spf', [finding('spf/too-many-lookups', 'critical', { message: 'a < b & "c" \u0001 ]]>' })]),
    ]);
    const doc = parse(formatJunit([odd]));
    expect(doc.testsuite[0].testcase[0].failure['#text']).toContain('a < b & "c" \\u{1} ]]>');
  });
});

describe('all formats over the same reports', () => {
  it('carry every finding id', () => {
    const reports: Report[] = [brokenReport()];
    const ids = ['spf/too-many-lookups', 'dmarc/policy-none', 'mx/no-ipv6'];
    for (const text of [formatCsv(reports, { catalogue }), formatMarkdown(reports), formatSarif(reports, { catalogue }), formatJunit(reports, { failOn: 'info' })]) {
      for (const id of ids) expect(text).toContain(id);
    }
  });

  it('write fix records as the same zone-file lines, with TTL 3600 where the record gives none', async () => {
    const reports: Report[] = [brokenReport()];
    const options = { color: false, verbose: false, failOn: 'info' as const };
    for (const name of ['text', 'markdown', 'junit', 'html'] as const) {
      const text = (await FORMATS[name].load())(reports, options);
      expect(text, name).toContain('_dmarc.broken.example. 3600 IN TXT ');
      expect(text, name).toContain('; replaces: _dmarc.broken.example. 3600 IN TXT ');
    }
  });
});
