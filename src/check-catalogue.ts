/**
 * The registered checks as plain data for the reporters that list them (csv
 * columns, SARIF rules): the format registry and the library pass it in.
 */
import { CHECKS } from './checks/index.js';
import type { FindingSpec } from './checks/define.js';
import type { CheckCatalogue } from './report/reporter.js';

let built: CheckCatalogue | undefined;

/** The catalogue of every registered check, in registry order (built once). */
export function checkCatalogue(): CheckCatalogue {
  built ??= {
    checkIds: CHECKS.map((check) => check.id),
    findings: CHECKS.flatMap((check) =>
      (Object.entries(check.findings) as Array<[string, FindingSpec]>).map(([id, spec]) => ({
        checkId: check.id,
        id,
        title: spec.title,
        description: spec.description,
        severity: spec.severity,
      })),
    ),
  };
  return built;
}
