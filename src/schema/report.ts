/**
 * The Report: mailcheck's one public contract. Checks produce it, scoring
 * completes it, reporters only read it. `schema/report.schema.json` is
 * generated from these definitions (`npm run schema`); a test keeps the two equal.
 */
import * as z from 'zod';
import { SEVERITIES } from '../severity.js';
import { SCHEMA_VERSION } from './report-constants.js';
import { requirementStatusSchema as requirementStatus } from './requirement-status.js';

export { SCHEMA_VERSION, SEVERITIES };

export const severitySchema = z
  .enum(SEVERITIES)
  .describe('How much the finding hurts deliverability or security, most severe first.');


export const checkStatusSchema = z
  .enum(['pass', 'warn', 'fail', 'error', 'skipped'])
  .describe(
    'pass: nothing found; warn: only low/medium/info findings; fail: a high or critical finding; ' +
      'error: the check could not conclude (DNS timeout, SERVFAIL, crash); skipped: not run, see `skipReason`.',
  );

export const fixRecordSchema = z
  .object({
    action: z.enum(['add', 'replace', 'remove']).describe('What to do with this record in the zone.'),
    name: z.string().describe('Owner name of the record, fully qualified, without trailing dot.'),
    type: z.string().describe('Record type, e.g. TXT, MX, TLSA.'),
    value: z
      .string()
      .describe(
        'The exact record value to publish (for TXT the unquoted text; the text reporter splits it into 255-octet strings). ' +
          'Placeholders are written as <UPPER-CASE-NAME> and listed in `placeholders`.',
      ),
    current: z.string().optional().describe('The value published today, for replace and remove.'),
    ttl: z.number().int().nonnegative().optional().describe('Suggested TTL in seconds.'),
  })
  .describe('One DNS record to add, replace or remove.');

export const fixSchema = z
  .object({
    summary: z.string().describe('Imperative one-line summary of the change ("Publish p=quarantine").'),
    records: z.array(fixRecordSchema).optional().describe('The exact records to publish, in order.'),
    files: z
      .array(z.object({ url: z.string(), content: z.string() }))
      .optional()
      .describe('Files to serve (e.g. an MTA-STS policy), with their full content.'),
    placeholders: z
      .record(z.string(), z.string())
      .optional()
      .describe('Placeholder name → what to put there (e.g. REPORT-MAILBOX → a mailbox that receives DMARC reports).'),
    notes: z.array(z.string()).optional().describe('Caveats the person applying the fix must know.'),
  })
  .describe('A concrete remedy for a finding.');

export const suppressionSchema = z
  .object({
    reason: z.string().describe('Why the finding is accepted, as the ignore rule gives it.'),
    until: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional()
      .describe('Last day (YYYY-MM-DD, UTC) the ignore rule holds; absent when it has no end.'),
    source: z.string().describe('Where the ignore rule comes from: the config file path, or `--ignore`, or `file:line` of a --file entry.'),
  })
  .describe('An ignore rule that matched a finding.');

/** A finding's observed values: what its sentence is rendered from. */
export const findingDataSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]))
  .describe('The observed values of a finding (a count, a policy, a host), by name; its `message` is rendered from them.');

export const findingSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/)
      .describe('Stable identifier `<check>/<state>`; public API, never renamed.'),
    severity: severitySchema,
    title: z.string().describe('Short title from the finding catalogue.'),
    message: z.string().describe('What was observed, with the observed values.'),
    evidence: z.array(z.string()).describe('The raw data the finding rests on (records, answers, transcript lines).'),
    data: findingDataSchema.optional(),
    fix: fixSchema.optional(),
    suppressed: suppressionSchema
      .optional()
      .describe('Present when an ignore rule (config file `ignore`, --ignore) accepts this finding: it stays in the report but not in the score, thresholds or fixes.'),
    ignoreExpired: suppressionSchema
      .optional()
      .describe('Present when an ignore rule matched but its `until` day has passed: the finding counts again.'),
  })
  .describe('One problem found by a check.');

export const checkResultSchema = z
  .object({
    id: z.string().describe('Check id (mx, spf, dkim, dmarc, ptr, tls, mta-sts, tls-rpt, dnssec, dane, blocklist, bimi).'),
    title: z.string(),
    status: checkStatusSchema,
    score: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .describe('0–1; null when the check errored or was skipped (it then does not count in the total).'),
    findings: z.array(findingSchema),
    facts: z.record(z.string(), z.unknown()).describe('What the check saw, given even when it fails.'),
    summary: z
      .array(z.string())
      .optional()
      .describe('The key facts in a line each (the MX hosts, the SPF lookup count …), as the text report shows them.'),
    record: z
      .object({ name: z.string(), type: z.string() })
      .optional()
      .describe('The DNS record this check is mainly about (where SARIF places a finding without fix records).'),
    unknownNames: z
      .array(z.string())
      .optional()
      .describe('Offline (--zone --offline): names the check met that lie outside the zone files, so whether they exist is unknown.'),
    error: z.string().optional().describe('Why the check could not conclude (status error).'),
    skipReason: z.string().optional().describe('Why the check was not run (status skipped).'),
    durationMs: z.number().nonnegative(),
  })
  .describe('The result of one check.');

export const gradeSchema = z.enum(['A+', 'A', 'B', 'C', 'D', 'F']);

export const rankedFixSchema = z
  .object({
    findingId: z.string().describe('The most severe finding this fix resolves.'),
    resolves: z
      .array(z.string())
      .describe('Every finding id this one change resolves, `findingId` first (findings whose fixes publish the same records).'),
    checkId: z.string(),
    severity: severitySchema,
    points: z
      .number()
      .nonnegative()
      .describe('Deliverability points (0–100 scale) this fix wins once every fix ranked before it is applied, with every finding in `resolves` gone.'),
    scoreAfter: z.number().int().min(0).max(100).describe('The deliverability score once this fix and every fix ranked before it are applied.'),
    area: z
      .enum(['sending', 'receiving'])
      .describe('The score this fix counts in: `sending` (deliverability, `score`) or `receiving` (receiving security, `receiving`).'),
    gradeAfter: gradeSchema.describe('The grade of `scoreAfter`.'),
    requiredBy: z
      .array(z.string())
      .describe('Ids of the mailbox-provider profiles with a failing requirement this fix (with those ranked before it) makes pass.'),
    fix: fixSchema,
  })
  .describe('A fix with the score points it is worth.');


export const scoreSchema = z.object({
  value: z.number().int().min(0).max(100),
  grade: gradeSchema,
  complete: z.boolean().describe('false when a check errored: the score then rests on the checks that concluded.'),
  verified: z
    .boolean()
    .describe('false when nothing this score counts could be verified (every such check errored): `value` is then no measure and reports show "—".'),
});

export const requirementStatusSchema = requirementStatus();

export const profileRequirementResultSchema = z
  .object({
    id: z.string().describe('Requirement id (spf-and-dkim, dmarc-published, …); public API.'),
    status: requirementStatusSchema,
    level: z.enum(['required', 'recommended']).describe('A failing recommended requirement does not fail the profile.'),
    rejects: z.boolean().describe('The provider rejects mail that fails this requirement.'),
    summary: z.string().describe('What was seen, in one sentence.'),
    source: z.string().describe('The provider\'s page that states the requirement.'),
    sourceRead: z.string().describe('The day that page was read (YYYY-MM-DD).'),
    needs: z.string().optional().describe('With needs-input: what to give mailcheck (an option or a sample message).'),
    findings: z.array(z.string()).describe('Ids of the findings that decided the status.'),
  })
  .describe('One requirement of a mailbox-provider profile, judged.');

export const profileResultSchema = z
  .object({
    id: z.string().describe('Profile id: gmail, gmail-bulk, yahoo, yahoo-bulk, outlook-bulk, apple-bulk, parked.'),
    title: z.string(),
    verdict: z
      .enum(['pass', 'fail', 'incomplete'])
      .describe('fail: a required requirement fails; incomplete: none fails but some need input or were inconclusive; pass: every one passes or only the provider can check it.'),
    selected: z.boolean().describe('Chosen with --profile or --parked: a failing verdict then fails the run (exit 1).'),
    requirements: z.array(profileRequirementResultSchema),
  })
  .describe('A mailbox provider\'s published sender requirements, judged for this domain.');

export const dnsSummarySchema = z.object({
  queries: z.number().int().nonnegative().describe('DNS queries sent on the wire for this domain (cache hits excluded).'),
  servers: z.array(z.string()).describe('The resolvers asked, as ip:port or URL.'),
});

export const diffFindingSchema = z
  .object({
    checkId: z.string(),
    id: z.string().describe('Finding id `<check>/<state>`.'),
    severity: severitySchema,
    title: z.string(),
    previousSeverity: severitySchema
      .optional()
      .describe('For an unchanged finding whose severity changed: its severity in the baseline.'),
  })
  .describe('A finding as compared with the baseline (matched by check and finding id).');

export const diffSchema = z
  .object({
    baseline: z
      .object({
        generatedAt: z.string(),
        score: scoreSchema,
      })
      .nullable()
      .describe('The baseline report of this domain; null when the baseline had no report for it.'),
    scoreDelta: z
      .number()
      .int()
      .nullable()
      .describe('Score now minus score in the baseline; null without a baseline report, or when nothing could be verified in either run.'),
    new: z.array(diffFindingSchema).describe('Findings now present that the baseline did not have.'),
    resolved: z.array(diffFindingSchema).describe('Findings of the baseline that are gone.'),
    unchanged: z.array(diffFindingSchema).describe('Findings present in both.'),
    notCompared: z
      .array(z.string())
      .describe('Checks left out of the comparison because they errored or were skipped in one of the two runs.'),
  })
  .describe('Comparison with a baseline report (--baseline).');

export const reportSchema = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    tool: z.object({ name: z.string(), version: z.string() }),
    domain: z.string().describe('The audited domain as an A-label, lower case, without trailing dot.'),
    input: z.string().optional().describe('What the user typed, when it differs from `domain` (an address, a U-label).'),
    generatedAt: z.string().describe('ISO 8601 time the audit finished.'),
    score: scoreSchema.describe('Deliverability: will mail from this domain be delivered (SPF, DKIM, DMARC, sending IPs, the mailbox providers\' requirements).'),
    receiving: scoreSchema.describe('Receiving security: mail sent to this domain (MX, STARTTLS, MTA-STS, TLS-RPT, DNSSEC, DANE).'),
    parked: z.boolean().describe('The domain is parked: it declares that it sends and receives no mail (null MX, v=spf1 -all, DMARC p=reject, no active DKIM key).'),
    profiles: z.array(profileResultSchema).describe('Mailbox-provider profiles: those chosen with --profile, else the bulk-sender ones (or parked, for a parked domain).'),
    checks: z.array(checkResultSchema),
    fixes: z.array(rankedFixSchema).describe('Every fix, ranked in sequence: the best first, then the best once that one is applied, and so on.'),
    dns: dnsSummarySchema,
    diff: diffSchema.optional().describe('With --baseline: findings new, resolved and unchanged, and the score delta.'),
  })
  .describe('mailcheck audit report for one domain.');

export type Severity = z.infer<typeof severitySchema>;
export type CheckStatus = z.infer<typeof checkStatusSchema>;
export type FixRecord = z.infer<typeof fixRecordSchema>;
export type Fix = z.infer<typeof fixSchema>;
export type Finding = z.infer<typeof findingSchema>;
export type FindingData = z.infer<typeof findingDataSchema>;
export type CheckResult = z.infer<typeof checkResultSchema>;
export type RankedFix = z.infer<typeof rankedFixSchema>;
export type Grade = z.infer<typeof gradeSchema>;
export type Score = z.infer<typeof scoreSchema>;
export type Report = z.infer<typeof reportSchema>;
export type RequirementStatus = z.infer<typeof requirementStatusSchema>;
export type ProfileRequirementResult = z.infer<typeof profileRequirementResultSchema>;
export type ProfileResult = z.infer<typeof profileResultSchema>;
export type DiffFinding = z.infer<typeof diffFindingSchema>;
export type ReportDiff = z.infer<typeof diffSchema>;
export type Suppression = z.infer<typeof suppressionSchema>;
