/**
 * Reporters read only the Report: no module under src/report/ imports the
 * scoring, the baseline, the check registry or the audit runner (type-only
 * imports included), so what a reporter prints is what the JSON carries.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './helpers/import-graph.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Files a reporter may not import (paths relative to the repository). */
function forbidden(target: string): boolean {
  return (
    target === 'src/score.ts' ||
    /^src\/baseline[^/]*\.ts$/.test(target) ||
    target.startsWith('src/checks/') ||
    /^src\/run[^/]*\.ts$/.test(target)
  );
}

/** Every relative specifier of a file: static, dynamic, re-exports and type-only imports alike. */
function relativeSpecifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) found.push(match[1]!);
  return found;
}

/** The imports of the files under `dir` that reach a forbidden file, as "importer → target". */
function forbiddenImports(dir: string, read: (file: string) => string): string[] {
  const offenders: string[] = [];
  for (const file of sourceFiles(ROOT, dir)) {
    for (const specifier of relativeSpecifiers(read(file))) {
      const target = path.posix.join(path.posix.dirname(file), specifier).replace(/\.js$/, '.ts');
      if (forbidden(target)) offenders.push(`${file} → ${target}`);
    }
  }
  return offenders;
}

describe('reporters read only the Report', () => {
  it('no module under src/report/ imports scoring, baseline, checks or the runner', () => {
    expect(forbiddenImports('src/report', (file) => readFileSync(path.join(ROOT, file), 'utf8'))).toEqual([]);
  });

  it('the rule catches each kind of import of each forbidden module', () => {
    const text = [
      "import { areaOf } from '../score.js';",
      "import type { Baseline } from '../baseline.js';",
      "export { readBaseline } from '../baseline-read.js';",
      "const checks = await import('../checks/index.js');",
      "import '../run-check.js';",
      "import { runAudit } from '../run.js';",
      "import { escape } from './escape.js';",
      "import type { Report } from '../schema/report.js';",
    ].join('\n');
    const offenders = forbiddenImports('src/report', (file) => (file === 'src/report/text.ts' ? text : ''));
    expect(offenders).toEqual([
      'src/report/text.ts → src/score.ts',
      'src/report/text.ts → src/baseline.ts',
      'src/report/text.ts → src/baseline-read.ts',
      'src/report/text.ts → src/checks/index.ts',
      'src/report/text.ts → src/run-check.ts',
      'src/report/text.ts → src/run.ts',
    ]);
  });
});
