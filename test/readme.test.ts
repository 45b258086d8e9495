/**
 * The README is the public catalogue of finding ids and options: it must stay
 * in sync with the code. Every catalogue id is documented with its severity
 * (in its check's section and in the finding index), every option that
 * `--help` prints is documented, the README names no id that does not exist,
 * and the tables it copies from the code (check ids, scoring, DKIM providers)
 * hold the code's values.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS, CHECK_IDS } from '../src/checks/index.js';
import { GENERIC_DKIM_SELECTORS, PROVIDERS } from '../src/providers.js';
import { DEFAULT_BLOCKLISTS } from '../src/blocklist/lists.js';
import { GRADE_BANDS, SCORE_TABLE, SEVERITY_CAP, SEVERITY_PENALTY } from '../src/score.js';
import { PROFILES, PROFILE_IDS, SOURCES_READ } from '../src/profiles/table.js';
import { ROOT, runCli } from './helpers/cli.js';

const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const LINES = README.split('\n');
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

const CATALOGUE = CHECKS.flatMap((check) =>
  Object.entries(check.findings).map(([id, spec]) => ({ check: check.id, id, severity: spec.severity, title: spec.title })),
);

/** The cells of a Markdown table row (`| a | b |` → ['a', 'b']); escaped pipes stay inside a cell. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

const INDEX_START = LINES.findIndex((line) => line.trim() === '<!-- section:finding-index -->');
const INDEX_END = LINES.findIndex((line) => line.trim() === '<!-- /section:finding-index -->');

/** The lines of the finding index (between its section markers). */
function findingIndex(): string[] {
  expect(INDEX_START, 'README has a finding index section').toBeGreaterThanOrEqual(0);
  expect(INDEX_END).toBeGreaterThan(INDEX_START);
  return LINES.slice(INDEX_START + 1, INDEX_END);
}

/** Table rows whose first cell is exactly `` `id` ``, outside the finding index. */
function sectionRowsFor(id: string): string[][] {
  return LINES.filter((line, i) => line.trimStart().startsWith('|') && !(i > INDEX_START && i < INDEX_END))
    .map(cells)
    .filter((row) => row[0] === `\`${id}\``);
}

describe('README: the finding catalogue', () => {
  it('has catalogue entries to compare (the registry is not empty)', () => {
    expect(CATALOGUE.length).toBeGreaterThan(50);
    expect(new Set(CATALOGUE.map((entry) => entry.id)).size).toBe(CATALOGUE.length);
  });

  it.each(CATALOGUE)('documents $id with its severity $severity in its check section', ({ id, severity }) => {
    const documented = sectionRowsFor(id);
    // One entry: id | severity | what it means | why it matters | how to fix.
    expect(documented.length, `a table row for ${id} outside the index`).toBeGreaterThanOrEqual(1);
    for (const row of documented) {
      expect(row.length, `${id}: the row has meaning, reason and fix`).toBeGreaterThanOrEqual(5);
      // The catalogue severity comes first; a second one names the documented override (`medium, high`).
      expect(row[1]!.split(/,\s*/)[0], `${id}: severity cell "${row[1]}"`).toBe(severity);
      for (const named of row[1]!.split(/,\s*/)) expect(SEVERITIES, `${id}: "${row[1]}"`).toContain(named);
    }
  });

  it('lists every catalogue id in the finding index with its severity and check, in registry order', () => {
    const rows = findingIndex()
      .filter((line) => line.trimStart().startsWith('| `'))
      .map(cells);
    expect(rows.map((row) => row[0])).toEqual(CATALOGUE.map((entry) => `\`${entry.id}\``));
    for (const [i, entry] of CATALOGUE.entries()) {
      const row = rows[i]!;
      expect(row[1], `${entry.id} severity`).toBe(entry.severity);
      expect(row[2], `${entry.id} check`).toBe(`\`${entry.check}\``);
      expect(row[3]!.length, `${entry.id} meaning`).toBeGreaterThan(0);
    }
  });

  it('has exactly one finding-index row per id', () => {
    const lines = findingIndex();
    for (const entry of CATALOGUE) {
      expect(lines.filter((line) => line.trimStart().startsWith(`| \`${entry.id}\` |`)), entry.id).toHaveLength(1);
    }
  });

  it('mentions no finding id that is not in a catalogue', () => {
    const known = new Set(CATALOGUE.map((entry) => entry.id));
    // `<check>/<state>` not preceded by a path or URL character (src/spf/…, test/dkim…).
    const pattern = new RegExp(`(?<![\\w/.@-])(${CHECK_IDS.map((id) => id.replace(/[-]/g, '\\-')).join('|')})/([a-z0-9][a-z0-9-]*)`, 'g');
    const mentioned = new Set<string>();
    for (const match of README.matchAll(pattern)) mentioned.add(`${match[1]}/${match[2]}`);
    expect(mentioned.size).toBeGreaterThan(50);
    expect([...mentioned].filter((id) => !known.has(id)).sort()).toEqual([]);
  });
});

describe('README: options', () => {
  /** Inline code spans of the prose, and the lines of fenced code blocks. */
  const CODE: string[] = (() => {
    const code: string[] = [];
    let fenced = false;
    for (const line of LINES) {
      if (line.trimStart().startsWith('```')) fenced = !fenced;
      else if (fenced) code.push(line);
      else for (const match of line.matchAll(/`([^`]+)`/g)) code.push(match[1]!);
    }
    return code;
  })();

  /** Whether the README names the option in code (`--x`, `-o, --x <file>`), not only as part of a longer one. */
  function documented(option: string): boolean {
    const pattern = new RegExp(`(?<![\\w-])${option}(?![\\w-])`);
    return CODE.some((code) => pattern.test(code));
  }

  /** Long options (`--name`) in a help text, from its option lines. */
  function longOptions(help: string): string[] {
    const options = new Set<string>();
    for (const line of help.split('\n')) {
      const match = /^\s{2}(?:-\w, )?(--[a-z][a-z0-9-]*)/.exec(line);
      if (match) options.add(match[1]!);
    }
    return [...options];
  }

  it('documents every long option that `mailcheck --help` prints', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    const options = longOptions(stdout);
    expect(options).toEqual(expect.arrayContaining(['--format', '--resolver', '--fail-on', '--no-smtp', '--file']));
    expect(options.filter((option) => !documented(option)).sort()).toEqual([]);
  });

  it('documents every long option that `mailcheck spf --help` prints', async () => {
    const { code, stdout } = await runCli(['spf', '--help']);
    expect(code).toBe(0);
    const options = longOptions(stdout);
    expect(options).toEqual(expect.arrayContaining(['--sender', '--helo']));
    expect(options.filter((option) => !documented(option)).sort()).toEqual([]);
  });
});

/** Rows (cells) of the table whose header row starts with these cells. */
function table(...header: string[]): string[][] {
  const start = LINES.findIndex((line) => {
    const row = line.trimStart().startsWith('|') ? cells(line) : [];
    return header.every((cell, i) => row[i] === cell);
  });
  expect(start, `a table headed ${header.join(' | ')}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (let i = start + 2; i < LINES.length && LINES[i]!.trimStart().startsWith('|'); i++) rows.push(cells(LINES[i]!));
  return rows;
}

/** The `code` spans of a cell, in order. */
function codes(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
}

describe('README: tables copied from the code', () => {
  it('lists the check ids of --checks in registry order', () => {
    const row = LINES.filter((line) => line.trimStart().startsWith('| `--checks <ids>` |')).map(cells)[0];
    expect(row, 'the --checks row').toBeDefined();
    // "Ids: `mx`, `spf`, …, `bimi`." — the list ends at the sentence's full stop.
    const ids = /Ids: ([^.]*)\./.exec(row![2]!);
    expect(ids, 'the --checks row lists the ids after "Ids:"').not.toBeNull();
    expect(codes(ids![1]!)).toEqual([...CHECK_IDS]);
  });

  it('gives every check its score and weight from SCORE_TABLE', () => {
    const rows = table('check', 'score', 'weight');
    const names: Record<string, string> = { deliverability: 'sending', 'receiving security': 'receiving' };
    const entries = Object.fromEntries(rows.map((row) => [codes(row[0]!)[0], { area: names[row[1]!], weight: Number(row[2]) }]));
    expect(entries).toEqual(Object.fromEntries(CHECK_IDS.map((id) => [id, SCORE_TABLE[id]])));
  });

  it('lists every mailbox-provider profile, each requirement and each source with the day it was read', () => {
    const profiles = table('profile', 'who it is for').map((row) => codes(row[0]!)[0]);
    expect(profiles).toEqual([...PROFILE_IDS]);
    const requirements = table('requirement', 'gmail', 'gmail-bulk').flatMap((row) => codes(row[0]!).filter((code) => !code.includes('/')));
    for (const profile of PROFILES) for (const requirement of profile.requirements) expect(requirements).toContain(requirement.id);
    const sources = table('profile', 'source').map((row) => row[1]!).join(' ');
    for (const profile of PROFILES) for (const requirement of profile.requirements) expect(sources).toContain(requirement.source.url);
    expect(README).toContain(`read on ${SOURCES_READ}`);
  });

  it('gives the penalty of every severity', () => {
    const rows = table('severity', 'penalty', 'meaning');
    expect(Object.fromEntries(rows.map((row) => [row[0], Number(row[1])]))).toEqual({ ...SEVERITY_PENALTY });
  });

  it('gives the caps and the grade bands', () => {
    const caps = table('worst finding', 'highest total', 'so the grade is at best');
    expect(Object.fromEntries(caps.map((row) => [row[0], Number(row[1])]))).toEqual({ ...SEVERITY_CAP });
    const bands = table('grade', 'total');
    expect(bands.map((row) => [row[0], Number(row[1]!.split(/[–-]/)[0])])).toEqual(GRADE_BANDS.map(([grade, low]) => [grade, low]));
  });

  it('lists every DKIM provider with its MX suffixes, SPF includes and selectors', () => {
    const rows = table('provider', 'MX host suffixes', 'SPF includes', 'DKIM selectors');
    for (const provider of PROVIDERS) {
      const row = rows.find((cells) => cells[0] === provider.name);
      expect(row, provider.name).toBeDefined();
      expect(codes(row![1]!), `${provider.name} MX suffixes`).toEqual(provider.mxSuffixes);
      expect(codes(row![2]!), `${provider.name} SPF includes`).toEqual(provider.spfIncludes);
      expect(codes(row![3]!), `${provider.name} selectors`).toEqual(provider.dkimSelectors);
    }
    const generic = rows.find((cells) => cells[0]!.startsWith('generic'));
    expect(codes(generic![3]!)).toEqual([...GENERIC_DKIM_SELECTORS]);
    expect(rows).toHaveLength(PROVIDERS.length + 1);
  });

  it('lists the default blocklists with their kind and IPv6 support', () => {
    const rows = table('zone', 'kind', 'IPv6', 'return codes');
    expect(rows.map((row) => codes(row[0]!)[0])).toEqual(DEFAULT_BLOCKLISTS.map((list) => list.zone));
    for (const [i, list] of DEFAULT_BLOCKLISTS.entries()) {
      const row = rows[i]!;
      expect(row[1]!.toLowerCase(), `${list.zone} kind`).toBe(list.kind);
      if (list.kind === 'ip') expect(row[2], `${list.zone} IPv6`).toBe(list.ipv6 ? 'yes' : 'no');
    }
  });
});
