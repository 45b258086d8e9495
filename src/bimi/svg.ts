/**
 * SVG Tiny Portable/Secure checks for BIMI logos (pure): the basics mailbox
 * providers enforce, per draft-svg-tiny-ps-abrotman (the SVG Tiny 1.2 profile
 * BIMI §4.3.2 points to) and the BIMI group's logo guidance (square, at most
 * 32 KB). The markup is read with a streaming XML parser (no DTD, no
 * entities, bounded elements and depth); this is a lint over it, not a full
 * SVG validator.
 */
import { createRequire } from 'node:module';
import type { SaxesParser } from 'saxes';
import { budgeted, WorkBudgetExceeded, type WorkBudget } from '../work-budget.js';

/**
 * saxes (CommonJS) and node:zlib, loaded when a logo is first read: every
 * audit imports this module with the BIMI check, few fetch a logo.
 */
const load = (): { SaxesParser: typeof SaxesParser; gunzipSync: typeof import('node:zlib').gunzipSync } => {
  const require = createRequire(import.meta.url);
  return { SaxesParser: (require('saxes') as typeof import('saxes')).SaxesParser, gunzipSync: (require('node:zlib') as typeof import('node:zlib')).gunzipSync };
};

/** Largest logo BIMI receivers accept, bytes (BIMI group guidance: 32 KB). */
export const MAX_SVG_BYTES = 32 * 1024;

export interface SvgFacts {
  /** Bytes as served. */
  bytes: number;
  /** Served gzip-compressed (SVGZ). */
  gzip: boolean;
  rootElement?: string;
  baseProfile?: string;
  version?: string;
  title?: string;
  viewBox?: string;
  width?: string;
  height?: string;
}

export interface SvgCheck {
  facts: SvgFacts;
  /** Every rule the document breaks, one line each. */
  violations: string[];
}

interface Element {
  name: string;
  /** Local name, lower case, without a namespace prefix. */
  local: string;
  attributes: Map<string, string>;
  depth: number;
  text: string;
}

/** Most decompressed bytes read as markup (SVGZ may inflate up to 4 MiB). */
const MAX_PARSED_BYTES = 1024 * 1024;
/** Most elements read: enough for any logo, a bound on work and memory for the rest. */
const MAX_ELEMENTS = 20_000;
/** Most nesting read. */
const MAX_DEPTH = 256;

const ANIMATION = new Set(['animate', 'animatecolor', 'animatemotion', 'animatetransform', 'set']);
const MULTIMEDIA = new Set(['audio', 'video', 'iframe', 'embed', 'object']);

function localName(name: string): string {
  const colon = name.indexOf(':');
  return (colon >= 0 ? name.slice(colon + 1) : name).toLowerCase();
}

/** Stops the parser: a bound was reached or the markup is not well-formed. */
class StopReading extends Error {}

/**
 * The elements of an XML document, read with a streaming parser (saxes): no
 * DTD is processed and no entity is defined or expanded beyond XML's five and
 * character references (a reference to anything else, or to a code point
 * that does not exist, is a well-formedness error). Reading stops at the
 * first error or at MAX_ELEMENTS / MAX_DEPTH; what was read until then is kept.
 */
function readElements(text: string, checkpoint: () => void): { elements: Element[]; error?: string; entities: boolean } {
  const elements: Element[] = [];
  const stack: Element[] = [];
  let entities = false;
  let error: string | undefined;
  const parser = new (load().SaxesParser)({ position: true });
  const stop = (message: string): never => {
    error ??= message;
    throw new StopReading(message);
  };
  parser.on('error', (problem) => stop(problem.message));
  parser.on('doctype', (doctype) => {
    if (/<!ENTITY/i.test(doctype)) entities = true;
  });
  parser.on('opentag', (tag) => {
    checkpoint();
    if (elements.length >= MAX_ELEMENTS) stop(`more than ${MAX_ELEMENTS} elements: not read further`);
    if (stack.length >= MAX_DEPTH) stop(`elements nested deeper than ${MAX_DEPTH}: not read further`);
    const element: Element = { name: tag.name, local: localName(tag.name), attributes: new Map(Object.entries(tag.attributes)), depth: stack.length, text: '' };
    elements.push(element);
    if (!tag.isSelfClosing) stack.push(element);
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) stack.pop();
  });
  const appendText = (chunk: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += chunk;
  };
  parser.on('text', appendText);
  parser.on('cdata', appendText);
  try {
    parser.write(text).close();
  } catch (problem) {
    if (problem instanceof WorkBudgetExceeded) throw problem;
    if (!(problem instanceof StopReading)) error ??= problem instanceof Error ? problem.message : String(problem);
  }
  return { elements, ...(error !== undefined ? { error } : {}), entities };
}

/** True when a reference stays inside the document (a fragment) or carries its data inline. */
function isLocalReference(value: string): boolean {
  const trimmed = value.trim();
  return trimmed.startsWith('#') || /^data:/i.test(trimmed);
}

/**
 * External `url(...)` references and `@import` in CSS text. Scanned with
 * indexOf, not regular expressions: a logo is outside input, and patterns
 * such as `url\(\s*(['"]?)([^'")]*)\1\s*\)` backtrack polynomially on a long
 * run of spaces (3,000 of them took 26 s); this is linear in the text.
 */
function cssExternalReferences(css: string): string[] {
  const found: string[] = [];
  const lower = css.toLowerCase();
  for (let from = lower.indexOf('url('); from >= 0; from = lower.indexOf('url(', from)) {
    const close = lower.indexOf(')', from + 4);
    // No closing parenthesis: no later url( can be closed either.
    if (close < 0) break;
    const target = css.slice(from + 4, close).trim().replace(/^(['"])(.*)\1$/s, '$2');
    if (!isLocalReference(target)) found.push(`url(${target})`);
    from = close + 1;
  }
  for (let from = lower.indexOf('@import'); from >= 0; from = lower.indexOf('@import', from)) {
    const end = lower.indexOf(';', from);
    const rule = css.slice(from, end < 0 ? css.length : end).trim();
    // "@import" must be followed by white space and something (as `@import\s+[^;]+` said).
    if (/^@import\s+\S/i.test(rule.slice(0, 4096))) found.push(rule);
    if (end < 0) break;
    from = end + 1;
  }
  return found;
}

/**
 * A length in user units or px. The value is trimmed first and the pattern
 * has no two quantifiers that match the same characters, so a hostile
 * attribute (a megabyte of digits or spaces) is read in linear time.
 */
function parseLength(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?(?:px)?$/i.exec(value.trim());
  return match ? Number(match[0].replace(/px$/i, '')) : undefined;
}

/** Checks a served logo against the SVG Tiny PS basics, under the audit's computing budget (none: unbounded). */
export function checkSvgTinyPs(body: Buffer, budget?: WorkBudget): SvgCheck {
  return budgeted(budget, 'reading the BIMI logo', (checkpoint) => lintSvg(body, checkpoint));
}

function lintSvg(body: Buffer, checkpoint: () => void): SvgCheck {
  const violations: string[] = [];
  const gzip = body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
  const facts: SvgFacts = { bytes: body.length, gzip };
  if (body.length > MAX_SVG_BYTES) {
    violations.push(`the file is ${body.length} bytes: more than ${MAX_SVG_BYTES} bytes (32 KB)`);
  }
  let data = body;
  if (gzip) {
    try {
      // BIMI §4.3.2: SVGZ (gzip-compressed SVG) is acceptable.
      data = load().gunzipSync(body, { maxOutputLength: 4 * 1024 * 1024 });
    } catch {
      violations.push('the file starts like gzip (SVGZ) but does not decompress');
      return { facts, violations };
    }
  }
  if (data.length > MAX_PARSED_BYTES) {
    // Bounded work: a logo this large is refused without reading its markup.
    violations.push(`the SVG document is ${data.length} bytes: not read beyond ${MAX_PARSED_BYTES} bytes`);
    return { facts, violations };
  }
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  const { elements, error, entities } = readElements(text, checkpoint);
  if (entities) violations.push('declares XML entities (<!ENTITY>): not allowed in SVG Tiny PS');
  if (error !== undefined) violations.push(`the file is not well-formed XML: ${error}`);

  const root = elements[0];
  if (!root || root.local !== 'svg') {
    violations.push(root ? `the root element is <${root.name}>, not <svg>` : 'no <svg> element: the file is not an SVG document');
    return { facts, violations };
  }
  facts.rootElement = root.name;
  const baseProfile = root.attributes.get('baseProfile');
  const version = root.attributes.get('version');
  const viewBox = root.attributes.get('viewBox');
  const width = root.attributes.get('width');
  const height = root.attributes.get('height');
  if (baseProfile !== undefined) facts.baseProfile = baseProfile;
  if (version !== undefined) facts.version = version;
  if (viewBox !== undefined) facts.viewBox = viewBox;
  if (width !== undefined) facts.width = width;
  if (height !== undefined) facts.height = height;

  // SVG Tiny PS §2: the root declares the profile and the SVG Tiny version.
  if (baseProfile !== 'tiny-ps') {
    violations.push(baseProfile === undefined ? 'the root <svg> has no baseProfile="tiny-ps"' : `baseProfile="${baseProfile}" (must be "tiny-ps")`);
  }
  if (version !== '1.2') {
    violations.push(version === undefined ? 'the root <svg> has no version="1.2"' : `version="${version}" (must be "1.2")`);
  }
  // SVG Tiny PS: the root element must not carry x or y attributes.
  for (const attribute of ['x', 'y']) {
    if (root.attributes.has(attribute)) violations.push(`the root <svg> has a ${attribute}="${root.attributes.get(attribute)}" attribute (not allowed)`);
  }
  // SVG Tiny PS: a <title> (the brand name) is required as a child of the root.
  const title = elements.find((element) => element.local === 'title' && element.depth === 1);
  const titleText = title ? title.text.replace(/\s+/g, ' ').trim() : '';
  if (!title) violations.push('no <title> element as a child of the root <svg>');
  else if (titleText === '') violations.push('the <title> element is empty');
  else facts.title = titleText;

  // Square aspect (BIMI logo guidance): from the viewBox, else from width and height.
  if (viewBox !== undefined) {
    const numbers = viewBox.trim().split(/[\s,]+/).map(Number);
    if (numbers.length !== 4 || numbers.some((n) => !Number.isFinite(n))) {
      violations.push(`viewBox="${viewBox}" is not four numbers`);
    } else if (Math.abs((numbers[2] ?? 0) - (numbers[3] ?? 0)) > 1e-9) {
      violations.push(`the logo is not square: viewBox="${viewBox}" is ${numbers[2]} × ${numbers[3]}`);
    }
  } else {
    const w = parseLength(width);
    const h = parseLength(height);
    if (w === undefined || h === undefined) violations.push('no viewBox (nor numeric width and height) to show the logo is square');
    else if (Math.abs(w - h) > 1e-9) violations.push(`the logo is not square: width="${width}" height="${height}"`);
  }

  // Forbidden content (SVG Tiny PS §2: no scripting, no external references, no animation, no multimedia).
  const seen = new Set<string>();
  const once = (line: string) => {
    if (!seen.has(line)) {
      seen.add(line);
      violations.push(line);
    }
  };
  for (const element of elements) {
    if (element.local === 'script') once('contains a <script> element');
    if (element.local === 'foreignobject') once('contains a <foreignObject> element');
    if (ANIMATION.has(element.local)) once(`contains an animation element <${element.name}>`);
    if (MULTIMEDIA.has(element.local)) once(`contains a multimedia element <${element.name}>`);
    for (const [name, value] of element.attributes) {
      const local = localName(name);
      if (/^on/i.test(local)) once(`event handler attribute ${name} on <${element.name}> (scripting is not allowed)`);
      if (local === 'href' && !isLocalReference(value)) {
        if (/^\s*javascript:/i.test(value)) once(`javascript: link on <${element.name}> (scripting is not allowed)`);
        else once(`external reference on <${element.name}>: ${name}="${value}"`);
      }
      if (local === 'style') for (const reference of cssExternalReferences(value)) once(`external reference in a style attribute: ${reference}`);
    }
    if (element.local === 'style') for (const reference of cssExternalReferences(element.text)) once(`external reference in <style>: ${reference}`);
  }
  return { facts, violations };
}
