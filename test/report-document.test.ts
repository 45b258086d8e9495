/**
 * Every document format rendered one report at a time (what a batch streams)
 * is byte for byte what its whole-run reporter writes.
 */
import { describe, expect, it } from 'vitest';
import { diffReport } from '../src/baseline.js';
import { FORMATS, type ReporterOptions } from '../src/report/formats.js';
import { renderDocument } from '../src/report/document.js';
import type { Report } from '../src/report/schema.js';
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
