#!/usr/bin/env node
/**
 * The Audit step of action.yml: runs mailcheck with the action's inputs
 * (read from INPUT_* variables), writes the SARIF report, appends a markdown
 * job summary that stays within GitHub's 1 MiB limit for one step's summary
 * (a score table when the full report does not fit), sets the `score`,
 * `exit-code` and `sarif-file` outputs, and exits with mailcheck's exit code.
 *
 * Runs on the Node.js that runs mailcheck; no dependencies.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** GitHub's limit for the summary of one step, in bytes (larger ones are refused and not shown). */
export const SUMMARY_LIMIT = 1024 * 1024;

/** A problem with the inputs: one line in the log, exit code 2 (mailcheck's usage error). */
export class ActionInputError extends Error {}

/** Items of a list input separated by spaces, commas or new lines. */
function items(value, separators = /[\s,]+/) {
  return (value ?? '')
    .split(separators)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * The mailcheck command line for the inputs. `files` names where the JSON,
 * SARIF and markdown reports go.
 */
export function mailcheckArguments(env, files) {
  const args = items(env.INPUT_DOMAINS);
  const domainsFile = (env.INPUT_DOMAINS_FILE ?? '').trim();
  if (args.length === 0 && domainsFile === '') {
    throw new ActionInputError('give the domains to audit: the input domains, or domains-file');
  }
  if (domainsFile !== '') args.push('--file', domainsFile);
  for (const zone of items(env.INPUT_ZONE, /\r?\n/)) args.push('--zone', zone);
  const profile = (env.INPUT_PROFILE ?? '').trim();
  if (profile !== '') args.push('--profile', profile);
  args.push('--fail-on', (env.INPUT_FAIL_ON ?? '').trim() || 'high');
  const minScore = (env.INPUT_MIN_SCORE ?? '').trim();
  if (minScore !== '') args.push('--min-score', minScore);
  const smtp = (env.INPUT_SMTP ?? 'false').trim().toLowerCase();
  if (smtp !== 'true' && smtp !== 'false') throw new ActionInputError(`the input smtp is "${smtp}": give true or false`);
  if (smtp === 'false') args.push('--no-smtp');
  args.push(...items(env.INPUT_ARGS, /\s+/));
  args.push('--format', 'json', '-o', files.json, '--output', `sarif=${files.sarif}`, '--output', `markdown=${files.markdown}`, '--no-color');
  return args;
}

/** The Reports of a `--format json` file: one object for one domain, an array for several. */
export function readReports(file) {
  if (!existsSync(file)) return [];
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** The lowest score of the reports, or '' when there is none. */
export function lowestScore(reports) {
  return reports.length === 0 ? '' : String(Math.min(...reports.map((report) => report.score.value)));
}

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];

/** Markdown table cell text: pipes and line breaks would break the table. */
function cell(text) {
  return String(text).replace(/[\r\n]+/g, ' ').replace(/([|\\`*_<>[\]])/g, '\\$1');
}

/**
 * The job summary: mailcheck's markdown report when it fits in `limit` bytes;
 * otherwise a score table, worst domain first, cut where the limit is reached
 * with a line saying how many domains are left out. Always at most `limit` bytes.
 */
export function jobSummary(markdown, reports, limit = SUMMARY_LIMIT) {
  if (Buffer.byteLength(markdown, 'utf8') <= limit) return markdown;
  const head =
    '## mailcheck\n\n' +
    `The full report (${reports.length} domains) does not fit in a job summary (1 MiB): here is each domain's score, ` +
    'worst first. Every finding is in the SARIF report (code scanning).\n\n' +
    '| Domain | Score | Grade | Critical | High | Medium | Low | Info |\n| --- | ---: | :---: | ---: | ---: | ---: | ---: | ---: |\n';
  const sorted = [...reports].sort((a, b) => a.score.value - b.score.value || a.domain.localeCompare(b.domain));
  // Room for the closing line, whose length depends on the number left out.
  const tailRoom = 120;
  let text = head;
  let bytes = Buffer.byteLength(head, 'utf8');
  let shown = 0;
  for (const report of sorted) {
    const findings = report.checks.flatMap((check) => check.findings);
    const counts = SEVERITIES.map((severity) => findings.filter((finding) => finding.severity === severity).length);
    const row = `| ${cell(report.domain)} | ${report.score.value} | ${cell(report.score.grade)} | ${counts.join(' | ')} |\n`;
    const rowBytes = Buffer.byteLength(row, 'utf8');
    if (bytes + rowBytes + tailRoom > limit) break;
    text += row;
    bytes += rowBytes;
    shown++;
  }
  if (shown < sorted.length) {
    const rest = sorted.slice(shown);
    text += `\n… and ${rest.length} more domains, scoring ${rest[0].score.value} to ${rest.at(-1).score.value}.\n`;
  }
  return text;
}

/** Appends `name=value` to the step's outputs file. */
function setOutput(env, name, value) {
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${name}=${String(value).replace(/[\r\n]+/g, ' ')}\n`);
}

/** Runs the step; returns the exit code. */
export function run(env = process.env) {
  const work = mkdtempSync(path.join(env.RUNNER_TEMP || tmpdir(), 'mailcheck-action-'));
  const sarif = (env.INPUT_SARIF_FILE ?? '').trim() || 'mailcheck.sarif';
  const files = { json: path.join(work, 'report.json'), sarif, markdown: path.join(work, 'report.md') };
  try {
    let args;
    try {
      args = mailcheckArguments(env, files);
    } catch (error) {
      if (!(error instanceof ActionInputError)) throw error;
      console.error(`mailcheck action: ${error.message}.`);
      setOutput(env, 'exit-code', 2);
      setOutput(env, 'score', '');
      return 2;
    }
    mkdirSync(path.dirname(path.resolve(sarif)), { recursive: true });
    const bin = env.MAILCHECK_BIN || fileURLToPath(new URL('../bin/mailcheck.js', import.meta.url));
    console.log(`mailcheck ${args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg))).join(' ')}`);
    const result = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit', env });
    const code = result.status ?? 4;
    const reports = readReports(files.json);
    setOutput(env, 'score', lowestScore(reports));
    setOutput(env, 'exit-code', code);
    setOutput(env, 'sarif-file', existsSync(sarif) ? sarif : '');
    if (env.GITHUB_STEP_SUMMARY && existsSync(files.markdown)) {
      appendFileSync(env.GITHUB_STEP_SUMMARY, jobSummary(readFileSync(files.markdown, 'utf8'), reports));
    }
    return code;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = run();
}
