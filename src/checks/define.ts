/**
 * How a check is declared. A check is gather → typed facts → pure judge:
 *
 * - `gather(ctx)` does all the I/O, through the context, and returns facts
 *   of the shape its zod schema `facts` declares (given even when the check
 *   cannot conclude: users debug with them);
 * - `judge(facts, emit)` is synchronous and pure (no DNS, no clock: the time
 *   is a fact) and returns the findings, or says why it could not conclude;
 * - `propose(facts, findings, ctx)`, for the few checks whose fixes need more
 *   DNS (SPF flattening), completes the fixes;
 * - `summarise(facts)` gives the text report's key lines;
 * - `record` says where the check's main record lives (SARIF locations) and
 *   `offline` what the check does with `--zone --offline`.
 *
 * Everything about a check lives in its definition, so forgetting a piece is
 * a compile error. `defineCheck` types the catalogue: emitting an id that is
 * not in it, or data of the wrong shape for an id, is a compile error too.
 */
import type { z } from 'zod';
import type { CheckContext } from '../context.js';
import type { CheckStatus, Finding, FindingData, Fix, Severity } from '../schema/report.js';

/** What every catalogue entry says of a finding id (the checks' and the other commands'). */
export interface FindingDescription {
  /** Default severity; a check may raise or lower it per finding where the catalogue says so. */
  severity: Severity;
  /** Short title, shown in reports and used as the SARIF rule name. */
  title: string;
  /** What it means and why it matters (README, SARIF help). */
  description: string;
}

/** One entry of a check's finding catalogue. `Data` is what the finding carries. */
export interface FindingSpec<Data extends FindingData = FindingData> extends FindingDescription {
  /** The finding's sentence, from its data: the one place a finding's wording lives. */
  message: (data: Data) => string;
}

/** A catalogue: finding id → its entry. */
export type Catalog = Record<string, FindingSpec<any>>;

/** The data a catalogue entry's message reads. */
export type DataOf<Spec> = Spec extends FindingSpec<infer Data> ? Data : FindingData;

/** What a finding carries besides its catalogue entry. */
export interface FindingInput<Data extends FindingData = FindingData> {
  /** The observed values the sentence is rendered from (kept in the report as `data`). */
  data?: Data;
  evidence?: string[];
  fix?: Fix;
  /** Overrides the catalogue severity (only where the catalogue documents it). */
  severity?: Severity;
}

/** What a judge concludes. */
export interface Judgement {
  findings: Finding[];
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

/** What a check concludes, with the facts it concluded from (the runner's view). */
export interface CheckOutcome extends Judgement {
  /** What the check saw; always given, also when it fails. */
  facts: Record<string, unknown>;
}

/** Builds findings for one check, typed by its catalogue. */
export type Emit<C extends Catalog> = <Id extends keyof C & string>(id: Id, input: FindingInput<DataOf<C[Id]>>) => Finding;

/** Where a check's main record lives, relative to the domain (SARIF locations). */
export interface RecordLocation {
  /** Prepended to the domain: `_dmarc.`, `_mta-sts.`, '' for the apex. */
  prefix: string;
  /** Its record type. */
  type: string;
}

/** Which score a check counts in: deliverability (`sending`) or receiving security. */
export type ScoreArea = 'sending' | 'receiving';

/** What is common to every check definition. */
interface CheckMeta<C extends Catalog> {
  /** Check id, also the prefix of its finding ids. */
  id: string;
  title: string;
  /** What it verifies and which RFC sections. */
  description: string;
  /** Every finding id it can emit. */
  findings: C;
  /** Where its main record lives. */
  record: RecordLocation;
  /** The score it counts in and its weight there (README "Scoring"); null: not scored. */
  score: { area: ScoreArea; weight: number } | null;
  /**
   * With `--zone --offline` (and no `--replay`): `run` (the default) asks the
   * zone files like any resolver; `{ skip }` skips the check with that reason
   * (it needs DNS that no zone file of the user's holds).
   */
  offline?: 'run' | { skip: string };
}

/** A check as gather → facts → judge. */
export interface GatherJudgeCheck<C extends Catalog = Catalog, Facts extends object = any> extends CheckMeta<C> {
  /** The shape of its facts (the report's JSON Schema is generated from it). */
  facts: z.ZodType<Facts>;
  /** All I/O, through the context. */
  gather(ctx: CheckContext): Promise<Facts>;
  /** Pure and synchronous. */
  judge(facts: Facts, emit: Emit<C>): Judgement;
  /** Completes fixes that need more DNS; returns the findings to report. */
  propose?(facts: Facts, findings: Finding[], ctx: CheckContext): Promise<Finding[]>;
  /** Key facts in a line or two each, for the text report. */
  summarise(facts: Facts): string[];
}

/** Any check, as the registry and the runner see it (its catalogue's ids erased to strings). */
export type CheckDefinition = Omit<GatherJudgeCheck<any, any>, 'findings'> & { findings: Catalog };

function checkIds(definition: CheckMeta<Catalog>): void {
  for (const id of Object.keys(definition.findings)) {
    if (!id.startsWith(`${definition.id}/`)) {
      throw new Error(`finding id ${id} does not belong to check ${definition.id}`);
    }
  }
}

/** Declares a check; the catalogue's keys become the only ids `emit` accepts. */
export function defineCheck<C extends Catalog, Facts extends object>(definition: GatherJudgeCheck<C, Facts>): GatherJudgeCheck<C, Facts> {
  checkIds(definition);
  return definition;
}

/** The emit function the runner passes to a check. */
export function makeEmit<C extends Catalog>(definition: { findings: C }): Emit<C> {
  return (id, input) => {
    const spec = definition.findings[id] as FindingSpec<any>;
    const message = spec.message(input.data ?? {});
    const finding: Finding = {
      id,
      severity: input.severity ?? spec.severity,
      title: spec.title,
      message,
      evidence: input.evidence ?? [],
    };
    if (input.data !== undefined && Object.keys(input.data).length > 0) finding.data = input.data;
    if (input.fix) finding.fix = input.fix;
    return finding;
  };
}

/** Runs a judge on facts (tests, and the runner): its judgement, findings built by the check's catalogue. */
export function judgeFacts<C extends Catalog, Facts extends object>(check: GatherJudgeCheck<C, Facts>, facts: Facts): Judgement {
  return check.judge(facts, makeEmit(check));
}
