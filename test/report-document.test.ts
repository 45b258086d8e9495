/**
 * Every document format rendered one report at a time (what a batch streams)
 * is byte for byte what its whole-run reporter writes.
 */
import { describe, expect, it } from 'vitest';
import { diffReport } from '../src/baseline.js';
import { FORMATS, type ReporterOptions } from '../src/report/formats.js';
import { renderDocument } from '../src/report/document.js';
import { documentOutput, inInputOrder } from '../src/cli/document-output.js';
import type { Report } from '../src/schema/report.js';
import { brokenReport, check, finding, healthyReport, report } from './helpers/reports.js';

const base: ReporterOptions = { color: false, verbose: false, failOn: 'high' };

function withDiff(reports: Report[]): Report[] {
  return reports.map((item, index) => ({ ...item, diff: diffReport(item, index === 0 ? undefined : brokenReport(item.domain)) }));
}

const hostile = report('esc\u001b[31m.example', [
  check('spf', [finding('spf/missing', 'high', { message: 'TXT \u202eevil\u202c and `code` <b>|x|</b>' })]),
  check('dmarc', [], { status: 'error', error: 'timeout \u001b]0;title\u0007' }),
  check('bimi', [finding('bimi/outside-catalogue', 'low')]),
]);

const sets: Array<[string, Report[]]> = [
  ['no report', []],
  ['one report', [brokenReport()]],
  ['two reports', [healthyReport(), brokenReport()]],
  ['reports without findings', [healthyReport('a.example'), healthyReport('b.example')]],
  ['three reports with hostile strings', [brokenReport('a.example'), hostile, healthyReport('c.example')]],
  ['reports with a baseline comparison', withDiff([brokenReport('a.example'), healthyReport('b.example'), brokenReport('c.example')])],
];

const optionSets: Array<[string, ReporterOptions]> = [
  ['plain', base],
  ['a list, colour, verbose, --min-score, a zone file', { ...base, list: true, color: true, verbose: true, minScore: 80, artifactUri: 'zones/example.zone', width: 100 }],
  ['--fail-on low', { ...base, failOn: 'low' }],
];

describe('documents rendered one report at a time', () => {
  for (const [name, spec] of Object.entries(FORMATS)) {
    if (!('loadDocument' in spec)) continue;
    describe(name, () => {
      for (const [setName, reports] of sets) {
        for (const [optionsName, options] of optionSets) {
          it(`${setName}, ${optionsName}`, async () => {
            const whole = await spec.load();
            const document = await spec.loadDocument();
            // A run never renders zero reports as JSON (the CLI needs a domain); the JSON reporter's output for [] is an array.
            expect(renderDocument(document, reports, options)).toBe(whole(reports, options));
          });
        }
      }
    });
  }
});

describe('documents written while a batch runs', () => {
  it('reports finishing in any order are delivered in input order', () => {
    const delivered: string[] = [];
    const deliver = inInputOrder((report) => delivered.push(report.domain));
    const reports = ['a', 'b', 'c', 'd', 'e'].map((name) => healthyReport(`${name}.example`));
    for (const index of [2, 0, 4, 1, 3]) deliver(reports[index]!, index);
    expect(delivered).toEqual(['a.example', 'b.example', 'c.example', 'd.example', 'e.example']);
  });

  for (const name of ['markdown', 'sarif', 'junit', 'html'] as const) {
    it(`${name}: the sections held on disk are written back in place, byte for byte`, async () => {
      const spec = FORMATS[name];
      const sets = [
        withDiff([brokenReport('a.example'), hostile, healthyReport('c.example')]),
        withDiff([healthyReport('a.example'), healthyReport('b.example')]),
      ];
      for (const reports of sets) {
        const chunks: string[] = [];
        const output = documentOutput(await spec.loadDocument(), base, { total: reports.length, diff: true }, async (text) => {
          chunks.push(text);
        });
        for (const report of reports) output.add(report);
        await output.finish();
        expect(chunks.join('')).toBe((await spec.load())(reports, base));
      }
    });
  }
});
