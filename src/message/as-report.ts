/**
 * A message result in the shape of a domain Report, so the shared reporters
 * (markdown, SARIF, JUnit, HTML, CSV) render it: the message's findings form
 * one check, `message`, whose facts are the envelope, the authentication
 * results and the requirements. The joined DNS checks stay out (they do not
 * decide the exit code either); their findings are named in each message
 * finding's evidence.
 */
import { SCHEMA_VERSION, type CheckResult, type RankedFix, type Report } from '../schema/report.js';
import { statusFromFindings } from '../run-check.js';
import { checkScore, gradeFor } from '../score.js';
import type { MessageResult } from './schema.js';
import { messageScore } from '../commands/message.js';

/** The message result as a Report over the From domain (or the input name when there is none). */
export function messageAsReport(result: MessageResult): Report {
  const findings = result.findings.map(({ related, ...finding }) => ({
    ...finding,
    evidence: [
      ...finding.evidence,
      ...(related ?? []).map((link) => `DNS: ${link.findingId ?? `${link.checkId} check`} at ${link.domain}`),
    ],
  }));
  const complete = result.score.complete;
  const check: CheckResult = {
    id: 'message',
    title: `Message ${result.message.messageId ?? result.input}`,
    status: complete ? statusFromFindings(findings) : 'error',
    score: complete ? checkScore({ status: 'pass', findings }) : null,
    findings,
    facts: { message: result.message, authentication: result.authentication, requirements: result.requirements },
    ...(complete ? {} : { error: 'a DNS lookup failed (temperror): the authentication results are incomplete' }),
    durationMs: 0,
  };
  const fixes: RankedFix[] = result.fixes
    .map(({ findingIds, ...fix }) => {
    const finding = result.findings.find((candidate) => candidate.id === findingIds[0])!;
    // What the score gains when that fix alone is applied, as for the domain audit's fixes.
    const without = messageScore(result.findings.filter((candidate) => !findingIds.includes(candidate.id)), complete).value;
    return {
      findingId: finding.id,
      resolves: findingIds,
      checkId: 'message',
      severity: finding.severity,
      points: Math.max(0, without - result.score.value),
      scoreAfter: Math.max(without, result.score.value),
      area: 'sending' as const,
      gradeAfter: gradeFor(Math.max(without, result.score.value)),
      requiredBy: [],
      fix,
    };
    })
    .sort((a, b) => b.points - a.points);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: result.tool,
    domain: result.message.fromDomain ?? result.input,
    input: result.input,
    generatedAt: result.generatedAt,
    score: result.score,
    // A message says nothing about mail sent to its domain, and no provider profile is judged from it yet.
    receiving: { value: 100, grade: 'A+', complete: true, verified: false },
    parked: false,
    profiles: [],
    checks: [check],
    fixes,
    dns: { queries: result.dns.queries, servers: result.dns.servers },
  };
}
