/**
 * The Report's constants, apart from its zod schema (./report.ts) so that the
 * code that runs an audit does not build the whole schema to read them.
 */

/**
 * Bumped on any incompatible change to the Report's shape or meaning.
 * 2: `score` is the deliverability score (sending checks and the mailbox
 * providers' requirements); `receiving`, `profiles` and `parked` are new;
 * each ranked fix's `points` count in sequence (`scoreAfter`).
 * 3: each check's `facts` have the shape its own schema declares (typed per
 * check in the JSON Schema); a finding carries its observed values as `data`;
 * a check result carries `summary`, `record` and, offline, `unknownNames`
 * (which was `facts.unknownNames`). Added within 3 (compatible): each ranked
 * fix's `area` and `gradeAfter`.
 */
export const SCHEMA_VERSION = 3 as const;
