/**
 * The shape of src/: no import cycle (static or dynamic imports; type-only
 * imports are erased by the compiler and left out), and no source file over
 * 400 lines.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, importSpecifiers, sourceFiles } from './helpers/import-graph.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAX_LINES = 400;


function lineCount(file: string): number {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

describe('source layout', () => {
  it('has no import cycle in src/', () => {
    const cycles = importCycles(importGraph(ROOT)).map(({ files, example }) => `${example.join(' → ')} (the cycle joins ${files.join(', ')})`);
    expect(cycles).toEqual([]);
  });

  it(`has no source file over ${MAX_LINES} lines`, () => {
    const long = sourceFiles(ROOT)
      .map((file) => ({ file, lines: lineCount(file) }))
      .filter(({ lines }) => lines > MAX_LINES);
    const offenders = long.map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(offenders).toEqual([]);
  });

  it('the cycle finder sees dynamic imports and re-exports, and leaves type-only imports out', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import { type C } from './c.js';",
      "import { type D, d } from './d.js';",
      "export { e } from './e.js';",
      "export type { F } from './f.js';",
      "import './g.js';",
      "const h = await import('./h.js');",
    ].join('\n');
    expect(importSpecifiers('x.ts', text)).toEqual(['./a.js', './d.js', './e.js', './g.js', './h.js']);
    const graph = new Map([
      ['src/a.ts', ['src/b.ts']],
      ['src/b.ts', ['src/c.ts']],
      ['src/c.ts', ['src/a.ts']],
      ['src/d.ts', ['src/a.ts']],
    ]);
    expect(importCycles(graph)).toEqual([{ files: ['src/a.ts', 'src/b.ts', 'src/c.ts'], example: ['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/a.ts'] }]);
  });
});
