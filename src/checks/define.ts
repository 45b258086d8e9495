/**
 * How a check is declared: metadata, a catalogue of every finding it can
 * emit, and one async function. `defineCheck` types the catalogue so that
 * emitting an id that is not in it is a compile error.
 */
import type { CheckContext } from '../context.js';
import type { CheckStatus, Finding, Fix, Severity } from '../report/schema.js';

/** One entry of a check's finding catalogue. */
export interface FindingSpec {
  /** Default severity; a check may raise or lower it per finding where the catalogue says so. */
  severity: Severity;
  /** Short title, shown in reports and used as the SARIF rule name. */
  title: string;
  /** What it means and why it matters (README, SARIF help). */
  description: string;
}

/** What a finding carries besides its catalogue entry. */
export interface FindingInput {
  message: string;
  evidence?: string[];
  fix?: Fix;
  /** Overrides the catalogue severity (only where the catalogue documents it). */
  severity?: Severity;
}

/** What a check's run function returns. */
export interface CheckOutcome {
  findings: Finding[];
  /** What the check saw; always given, also when it fails. */
  facts: Record<string, unknown>;
  /**
   * Set when the check could not conclude (DNS timeout/SERVFAIL, …). The check
   * then ends in status `error` with this message; findings already made are kept.
   */
  inconclusive?: string;
  /** Set when the check did not apply or could not be tested (status `skipped`). */
  skipped?: string;
  /** Overrides the status derived from the findings (rarely needed). */
  status?: CheckStatus;
}

/** Builds findings for one check, typed by its catalogue. */
export type Emit<Id extends string> = (id: Id, input: FindingInput) => Finding;

export interface CheckDefinition<Id extends string = string> {
  /** Check id, also the prefix of its finding ids. */
  id: string;
  title: string;
  /** What it verifies and which RFC sections. */
  description: string;
  /** Every finding id it can emit. */
  findings: Record<Id, FindingSpec>;
  run(ctx: CheckContext, emit: Emit<Id>): Promise<CheckOutcome>;
}

/** Declares a check; the catalogue's keys become the only ids `emit` accepts. */
export function defineCheck<Id extends string>(definition: CheckDefinition<Id>): CheckDefinition<Id> {
  for (const id of Object.keys(definition.findings)) {
    if (!id.startsWith(`${definition.id}/`)) {
      throw new Error(`finding id ${id} does not belong to check ${definition.id}`);
    }
  }
  return definition;
}

/** The emit function the runner passes to a check. */
export function makeEmit<Id extends string>(definition: CheckDefinition<Id>): Emit<Id> {
  return (id, input) => {
    const spec = definition.findings[id];
    const finding: Finding = {
      id,
      severity: input.severity ?? spec.severity,
      title: spec.title,
      message: input.message,
      evidence: input.evidence ?? [],
    };
    if (input.fix) finding.fix = input.fix;
    return finding;
  };
}
