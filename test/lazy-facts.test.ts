/**
 * The checks' facts schemas are built on first use (src/schema/lazy-schema.ts):
 * the JSON Schema and the tests read them, an audit never does, and building
 * them all as the checks load cost every audit about a tenth of its CPU. Here:
 * no zod schema is made at the top level of a check's modules, and every check
 * gives its facts through a getter.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../src/checks/index.js';
import { sourceFiles } from './helpers/import-graph.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The checks, and the modules outside src/checks/ their facts schemas are made of. */
const FILES = [
  ...sourceFiles(ROOT, 'src/checks'),
  'src/profiles/parked.ts',
  'src/lookups/dnssec-validated.ts',
  'src/dns/status-schema.ts',
  'src/schema/requirement-status.ts',
  // The config file's schema: built when there is a config file to read.
  'src/cli/config-file.ts',
];

/** The identifier a call chain starts from: `z` for `z.object({…}).describe('…')`. */
function chainRoot(node: ts.Expression): string | undefined {
  let current: ts.Expression = node;
  for (;;) {
    if (ts.isCallExpression(current)) current = current.expression;
    else if (ts.isPropertyAccessExpression(current)) current = current.expression;
    else return ts.isIdentifier(current) ? current.text : undefined;
  }
}

/** Zod calls a module makes as it loads (outside every function), and `facts` properties that are not getters. */
function eagerSchemas(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const where = (node: ts.Node): string => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isCallExpression(node) && chainRoot(node) === 'z') {
      found.push(`${where(node)}: a zod schema made as the module loads`);
      return;
    }
    if (ts.isPropertyAssignment(node) && node.name.getText(source) === 'facts') found.push(`${where(node)}: facts is not a getter`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('facts schemas built on first use', () => {
  it('no check module makes a zod schema as it loads', () => {
    const offenders = FILES.flatMap((file) => eagerSchemas(file, readFileSync(path.join(ROOT, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('finds the eager forms', () => {
    const text = [
      "const a = z.object({ x: z.string() }).describe('a');",
      'const b = lazySchema(() => z.string());',
      'export const check = defineCheck({ id: "x", facts: a });',
      'export const lazy = defineCheck({ id: "y", get facts() { return b(); } });',
    ].join('\n');
    expect(eagerSchemas('x.ts', text)).toEqual(['x.ts:1: a zod schema made as the module loads', 'x.ts:3: facts is not a getter']);
  });

  it('each check builds its schema once, on first read', () => {
    for (const check of CHECKS) {
      expect(check.facts, check.id).toBe(check.facts);
      expect(typeof check.facts.safeParse, check.id).toBe('function');
    }
  });
});
