/**
 * SVG Tiny Portable/Secure checks for BIMI logos (pure): the basics mailbox
 * providers enforce, per draft-svg-tiny-ps-abrotman (the SVG Tiny 1.2 profile
 * BIMI §4.3.2 points to) and the BIMI group's logo guidance (square, at most
 * 32 KB). This is a lint over the markup, not a full XML/SVG validator.
 */
import { gunzipSync } from 'node:zlib';

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

const ATTRIBUTE = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>/g;

const ANIMATION = new Set(['animate', 'animatecolor', 'animatemotion', 'animatetransform', 'set']);
const MULTIMEDIA = new Set(['audio', 'video', 'iframe', 'embed', 'object']);

function localName(name: string): string {
  const colon = name.indexOf(':');
  return (colon >= 0 ? name.slice(colon + 1) : name).toLowerCase();
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&amp;/g, '&');
}

/** True when a reference stays inside the document (a fragment) or carries its data inline. */
function isLocalReference(value: string): boolean {
  const trimmed = value.trim();
  return trimmed.startsWith('#') || /^data:/i.test(trimmed);
}

/** External `url(...)` references and `@import` in CSS text. */
function cssExternalReferences(css: string): string[] {
  const found: string[] = [];
  for (const match of css.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/gi)) {
    const target = match[2] ?? '';
    if (!isLocalReference(target)) found.push(`url(${target})`);
  }
  for (const match of css.matchAll(/@import\s+[^;]+/gi)) found.push(match[0].trim());
  return found;
}

function parseLength(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*(px)?\s*$/i.exec(value);
  return match ? Number(match[1]) : undefined;
}

/** Checks a served logo against the SVG Tiny PS basics. */
export function checkSvgTinyPs(body: Buffer): SvgCheck {
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
      data = gunzipSync(body, { maxOutputLength: 4 * 1024 * 1024 });
    } catch {
      violations.push('the file starts like gzip (SVGZ) but does not decompress');
      return { facts, violations };
    }
  }
  let text = data.toString('utf8').replace(/^\uFEFF/, '');

  // Declarations and comments first: what they hide is not markup.
  if (/<!ENTITY/i.test(text)) violations.push('declares XML entities (<!ENTITY>): not allowed in SVG Tiny PS');
  text = text
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!DOCTYPE(?:[^[>]|\[[\s\S]*?\])*>/gi, '');
  // CDATA: keep the content as text (style and script bodies), without the markers.
  const cdata: string[] = [];
  text = text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, content: string) => {
    cdata.push(content);
    return `\u0000${cdata.length - 1}\u0000`;
  });

  const elements: Element[] = [];
  const stack: Element[] = [];
  let lastIndex = 0;
  const appendText = (chunk: string) => {
    const top = stack[stack.length - 1];
    if (!top) return;
    top.text += chunk.replace(/\u0000(\d+)\u0000/g, (_, index: string) => cdata[Number(index)] ?? '');
  };
  for (const match of text.matchAll(TAG)) {
    appendText(text.slice(lastIndex, match.index));
    lastIndex = (match.index ?? 0) + match[0].length;
    const [, closing, name = '', attributeText = '', selfClosing] = match;
    if (closing) {
      const local = localName(name);
      // Pop to the matching open element (tolerating sloppy nesting).
      for (let i = stack.length - 1; i >= 0; i -= 1) {
        if (stack[i]?.local === local) {
          stack.length = i;
          break;
        }
      }
      continue;
    }
    const attributes = new Map<string, string>();
    for (const attribute of attributeText.matchAll(ATTRIBUTE)) {
      const value = attribute[2] ?? attribute[3] ?? attribute[4] ?? '';
      attributes.set(attribute[1] ?? '', decodeEntities(value));
    }
    const element: Element = { name, local: localName(name), attributes, depth: stack.length, text: '' };
    elements.push(element);
    if (!selfClosing) stack.push(element);
  }

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
  const titleText = title ? decodeEntities(title.text).replace(/\s+/g, ' ').trim() : '';
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
