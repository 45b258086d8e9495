/**
 * sarif: SARIF 2.1.0 (OASIS) for code-scanning dashboards. One run; the
 * finding catalogue of every registered check becomes the rules (with help
 * text); each finding is a result with its level, located logically at the
 * domain and the DNS record it concerns (run.logicalLocations, record nested
 * under domain). Checks that could not conclude are tool execution
 * notifications. With `artifactUri` (e.g. the --zone file) results also carry
 * a physical location, which GitHub code scanning needs to show them.
 */
import { createHash } from 'node:crypto';
import { recordOf, type FormatOptions } from './common.js';
import type { Report, Severity } from '../schema/report.js';
import { profileLine, scoreText } from './verdicts.js';
import { PROFILES } from '../profiles/table.js';
import { safeStrings } from './escape.js';
import type { CatalogueFinding, CheckCatalogue, ReporterOptions } from './reporter.js';
import { jsonArrayWriter, jsonElement, renderDocument, type DocumentPart, type DocumentRenderer, type DocumentTail } from './document.js';

export interface SarifOptions extends FormatOptions {
  /** The registered checks: their findings become the rules (src/check-catalogue.ts). */
  catalogue: CheckCatalogue;
  /** A repository-relative path to attach to every result as its physical location. */
  artifactUri?: string;
}

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

type Level = 'error' | 'warning' | 'note';

/** SARIF §3.27.10 level from the severity. */
export function sarifLevel(severity: Severity): Level {
  return severity === 'critical' || severity === 'high' ? 'error' : severity === 'medium' ? 'warning' : 'note';
}

/** GitHub's numeric security-severity (0–10) for code-scanning ranking. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

interface Rule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: Level };
  properties: Record<string, unknown>;
}

function ruleName(id: string): string {
  return id
    .split(/[/-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function makeRule(checkId: string, id: string, spec: Pick<CatalogueFinding, 'severity' | 'title' | 'description'>): Rule {
  const anchor = id.replace(/[^a-z0-9-]/g, '');
  return {
    id,
    name: ruleName(id),
    shortDescription: { text: spec.title },
    fullDescription: { text: spec.description || spec.title },
    help: {
      text: `${spec.description || spec.title} Severity: ${spec.severity}. See the finding catalogue in mailcheck's README (${id}).`,
      markdown: `**${spec.title}** (\`${id}\`, ${spec.severity})\n\n${spec.description || ''}\n\nSee the finding catalogue in mailcheck's README (#${anchor}).`,
    },
    defaultConfiguration: { level: sarifLevel(spec.severity) },
    properties: {
      tags: ['email', 'dns', checkId],
      precision: 'very-high',
      'security-severity': SECURITY_SEVERITY[spec.severity],
    },
  };
}

/** Every rule: the catalogue of each registered check, in registry order. */
export function sarifRules(catalogue: CheckCatalogue): Rule[] {
  return catalogue.findings.map((finding) => makeRule(finding.checkId, finding.id, finding));
}

export function formatSarif(rawReports: readonly Report[], options: SarifOptions): string {
  const reporterOptions = { color: false, verbose: false, failOn: options.failOn ?? 'high', ...options };
  return renderDocument(sarifDocument, rawReports, reporterOptions);
}

/** Where the large arrays of the log go: a string JSON.stringify shows as `"\u0000section:<name>"`. */
const section = (name: string) => `\u0000section:${name}`;

/**
 * The SARIF log one report at a time. The log is one JSON document whose
 * rules come first and whose results, locations and notifications are arrays
 * over all domains: those arrays are written element by element into
 * sections (as `JSON.stringify(log, null, 2)` indents them), and the log
 * around them is written at the end. Kept in memory: the rules and the index
 * of logical locations by name.
 */
export const sarifDocument: DocumentRenderer = (options) => {
  const rules = sarifRules((options as ReporterOptions & { catalogue: CheckCatalogue }).catalogue);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  let locationCount = 0;
  const locationIndex = new Map<string, number>();
  let tool: Report['tool'] | undefined;
  // Depths as JSON.stringify(log, null, 2) nests them: runs[0].invocations[0].toolExecutionNotifications, runs[0].logicalLocations …
  const notifications = jsonArrayWriter(6);
  const locations = jsonArrayWriter(4);
  const results = jsonArrayWriter(4);
  const scores = jsonArrayWriter(5);
  let findingResults = 0;
  let profileResults = 0;

  function add(rawReport: Report): DocumentPart {
    // Dashboards and CI pages render these messages: bidi and control characters are shown, not obeyed.
    const [report] = safeStrings([rawReport]) as [Report];
    tool ??= report.tool;
    const out = { notifications: '', locations: '', results: '', profiles: '', scores: '' };
    const logical = (key: string, make: () => Record<string, unknown>): number => {
      let index = locationIndex.get(key);
      if (index === undefined) {
        index = locationCount++;
        out.locations += locations.element({ ...make(), index });
        locationIndex.set(key, index);
      }
      return index;
    };
    const domainIndex = logical(report.domain, () => ({
      name: report.domain,
      fullyQualifiedName: report.domain,
      kind: 'namespace',
    }));
    for (const check of report.checks) {
      if (check.status === 'error') {
        out.notifications += notifications.element({
          level: 'error',
          message: { text: `${report.domain}: check ${check.id} could not conclude: ${check.error ?? 'unknown error'}` },
          descriptor: { id: check.id },
        });
      }
      for (const finding of check.findings) {
        if (!ruleIndex.has(finding.id)) {
          // A finding outside the catalogue still gets a rule, so the log stays self-consistent.
          ruleIndex.set(finding.id, rules.length);
          rules.push(makeRule(check.id, finding.id, { severity: finding.severity, title: finding.title, description: '' }));
        }
        const record = recordOf(report.domain, check, finding);
        const recordKey = `${record.name}/${record.type}`;
        const recordIndex = logical(`${report.domain}\u0000${recordKey}`, () => ({
          name: `${record.name} ${record.type}`,
          fullyQualifiedName: `${report.domain}::${recordKey}`,
          kind: 'resource',
          parentIndex: domainIndex,
        }));
        const location: Record<string, unknown> = {
          logicalLocations: [
            { index: recordIndex, fullyQualifiedName: `${report.domain}::${recordKey}` },
            { index: domainIndex, fullyQualifiedName: report.domain },
          ],
          message: { text: `${record.name} ${record.type}` },
        };
        if (options.artifactUri) {
          location.physicalLocation = { artifactLocation: { uri: options.artifactUri } };
        }
        const fix = finding.fix?.summary ? ` Fix: ${finding.fix.summary}` : '';
        findingResults++;
        out.results += results.element({
          ruleId: finding.id,
          ruleIndex: ruleIndex.get(finding.id),
          level: sarifLevel(finding.severity),
          kind: 'fail',
          message: { text: `${report.domain}: ${finding.message}${fix}` },
          locations: [location],
          // SARIF §3.27.23 / §3.35: an accepted finding stays a result, with its suppression and justification.
          ...(finding.suppressed
            ? { suppressions: [{ kind: 'external', status: 'accepted', justification: finding.suppressed.reason }] }
            : {}),
          partialFingerprints: {
            'mailcheckFinding/v1': createHash('sha256')
              .update(`${report.domain}\u0000${finding.id}\u0000${recordKey}`)
              .digest('hex'),
          },
          properties: {
            domain: report.domain,
            check: check.id,
            severity: finding.severity,
            evidence: finding.evidence,
            ...(finding.fix ? { fix: finding.fix } : {}),
          },
        });
      }
    }

    // Mailbox-provider profiles: one result each (after every finding result), a failure (error) when chosen with --profile and failing.
    for (const profile of report.profiles) {
      const ruleId = `profile/${profile.id}`;
      if (!ruleIndex.has(ruleId)) {
        ruleIndex.set(ruleId, rules.length);
        const definition = PROFILES.find((entry) => entry.id === profile.id);
        rules.push(
          makeRule('profile', ruleId, {
            severity: 'high',
            title: `Mailbox provider: ${profile.title}`,
            description: `The published sender requirements of ${definition?.provider ?? profile.title}, judged from DNS (sources: ${[...new Set(profile.requirements.map((requirement) => requirement.source))].join(', ')}).`,
          }),
        );
      }
      const kind = profile.verdict === 'fail' ? 'fail' : profile.verdict === 'pass' ? 'pass' : 'review';
      const level = profile.verdict === 'fail' ? (profile.selected ? 'error' : 'warning') : profile.verdict === 'pass' ? 'none' : 'note';
      profileResults++;
      // Always written as a following element; the separator before the first one is dropped at the end when no finding result precedes it.
      out.profiles += `,\n${jsonElement(
        {
          ruleId,
          ruleIndex: ruleIndex.get(ruleId),
          level,
          kind,
          message: { text: `${report.domain}: ${profileLine(profile)}` },
          locations: [{ logicalLocations: [{ fullyQualifiedName: report.domain }], message: { text: report.domain } }],
          properties: { domain: report.domain, profile: profile.id, verdict: profile.verdict, selected: profile.selected, requirements: profile.requirements },
        },
        4,
      )}`;
    }
    // `deliverability` and `receiving` as reports show them: "—" when nothing could be verified.
    out.scores += scores.element({
      domain: report.domain,
      ...report.score,
      deliverability: scoreText(report.score),
      receiving: scoreText(report.receiving),
      parked: report.parked,
    });
    return { sections: Object.fromEntries(Object.entries(out).filter(([, text]) => text !== '')) };
  }

  function finish(): DocumentTail {
    const driver: Record<string, unknown> = {
      name: tool?.name ?? 'mailcheck',
      informationUri: 'https://www.npmjs.com/package/mailcheck-cli',
      rules,
    };
    if (tool?.version) {
      driver.version = tool.version;
      driver.semanticVersion = tool.version;
    }
    const log = {
      $schema: SARIF_SCHEMA_URI,
      version: '2.1.0',
      runs: [
        {
          tool: { driver },
          invocations: [{ executionSuccessful: true, toolExecutionNotifications: section('notifications') }],
          logicalLocations: section('locations'),
          results: section('results'),
          properties: { scores: section('scores') },
        },
      ],
    };
    const closing: Record<string, DocumentTail> = {
      notifications: [{ section: 'notifications' }, notifications.close()],
      locations: [{ section: 'locations' }, locations.close()],
      results:
        findingResults > 0
          ? [{ section: 'results' }, { section: 'profiles' }, results.close()]
          : profileResults > 0
            ? ['[\n', { section: 'profiles', skip: 2 }, `\n${'  '.repeat(3)}]`]
            : ['[]'],
      scores: [{ section: 'scores' }, scores.close()],
    };
    const tail: DocumentTail = [];
    const text = `${JSON.stringify(log, null, 2)}\n`;
    const placeholder = /"\\u0000section:(\w+)"/g;
    let at = 0;
    for (const match of text.matchAll(placeholder)) {
      tail.push(text.slice(at, match.index), ...closing[match[1]!]!);
      at = match.index + match[0].length;
    }
    tail.push(text.slice(at));
    return tail;
  }

  return { add, finish };
};
