/**
 * Table-driven judge tests (in the manner of ESLint's RuleTester): facts in,
 * finding ids (and, where given, exact fix records and data) out. No server:
 * a judge is pure.
 */
import { describe, expect, it } from 'vitest';
import { judgeFacts, type Catalog, type GatherJudgeCheck } from '../../src/checks/define.js';
import type { Finding, FixRecord } from '../../src/schema/report.js';

export interface JudgeCase<Facts> {
  /** What the case is about. */
  name: string;
  facts: Facts;
  /** Finding ids, in the order the judge emits them. */
  ids: string[];
  /** The check ends inconclusive (status error); a string: its message contains it. */
  inconclusive?: true | string;
  /** The check is skipped. */
  skipped?: true;
  /** Exact fix records by finding id. */
  fixes?: Record<string, FixRecord[]>;
  /** Data by finding id (matched as a subset). */
  data?: Record<string, Record<string, unknown>>;
  /** More assertions on the findings. */
  then?: (findings: Finding[]) => void;
}

/** One `it` per case; every case also checks its facts against the check's schema. */
export function judgeCases<C extends Catalog, Facts extends object>(check: GatherJudgeCheck<C, Facts>, cases: ReadonlyArray<JudgeCase<Facts>>): void {
  describe(`${check.id} judge`, () => {
    for (const testCase of cases) {
      it(testCase.name, () => {
        expect(check.facts.safeParse(testCase.facts).success, 'facts match the check\'s schema').toBe(true);
        const judgement = judgeFacts(check, testCase.facts);
        expect(judgement.findings.map((finding) => finding.id)).toEqual(testCase.ids);
        if (testCase.inconclusive === true) expect(judgement.inconclusive).toBeDefined();
        else if (typeof testCase.inconclusive === 'string') expect(judgement.inconclusive).toContain(testCase.inconclusive);
        else expect(judgement.inconclusive).toBeUndefined();
        if (testCase.skipped) expect(judgement.skipped).toBeDefined();
        for (const [id, records] of Object.entries(testCase.fixes ?? {})) {
          expect(judgement.findings.find((finding) => finding.id === id)?.fix?.records).toEqual(records);
        }
        for (const [id, data] of Object.entries(testCase.data ?? {})) {
          expect(judgement.findings.find((finding) => finding.id === id)?.data).toMatchObject(data);
        }
        testCase.then?.(judgement.findings);
      });
    }
  });
}
