/**
 * The HTML report rendered in headless Chromium: the DOM after its script ran,
 * and a screenshot. Skipped only outside CI when Chromium is not installed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRADE_COLOR, HTML_CSP, formatHtml } from '../src/report/html.js';
import { zoneLines } from '../src/report/common.js';
import { diffReport } from '../src/baseline.js';
import { brokenReport, check, finding, healthyReport, report } from './helpers/reports.js';
import { countColor, decodePng } from './helpers/png.js';

function findChromium(): string | undefined {
  if (process.env.CHROMIUM_BIN) return process.env.CHROMIUM_BIN;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

const chromium = findChromium();
if (!chromium && process.env.CI) throw new Error('Chromium is required under CI for the HTML report tests (apt-get install chromium)');

const work = mkdtempSync(join(tmpdir(), 'mailcheck-html-'));

function runChromium(args: string[]): Promise<string> {
  const profile = mkdtempSync(join(work, 'profile-'));
  return new Promise((resolve, reject) => {
    execFile(
      chromium!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--hide-scrollbars',
        '--force-device-scale-factor=1',
        `--user-data-dir=${profile}`,
        ...args,
      ],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}

function writePage(name: string, html: string): string {
  const path = join(work, name);
  writeFileSync(path, html);
  return pathToFileURL(path).href;
}

/** Opens the page, lets its timers run, and returns the DOM as Chromium serialises it afterwards. */
function dumpDom(url: string): Promise<string> {
  return runChromium(['--virtual-time-budget=1000', '--dump-dom', url]);
}

const attrCount = (html: string, pattern: RegExp) => (html.match(pattern) ?? []).length;

describe.skipIf(!chromium)('html report in headless Chromium', () => {
  let server: Server;
  let hits = 0;
  let port = 0;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      hits++;
      response.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(work, { recursive: true, force: true });
  });

  it('renders every domain, check, finding and fix; the script binds every copy button', async () => {
    const broken = brokenReport();
    const previous = report('broken.example', [check('spf'), check('dmarc', [finding('dmarc/no-rua', 'low')])]);
    const reports = [{ ...broken, diff: diffReport(broken, previous) }, healthyReport()];
    const url = writePage('report.html', formatHtml(reports));
    const html = await dumpDom(url);
    expect(html).toMatch(/<html[^>]* data-ready="true"/);
    expect(attrCount(html, /<section class="domain"/g)).toBe(2);
    expect(html).toContain('data-domain="broken.example" data-score="' + broken.score.value + '" data-grade="' + broken.score.grade + '"');
    expect(attrCount(html, /<details class="check /g)).toBe(broken.checks.length + reports[1]!.checks.length);
    for (const id of ['spf/too-many-lookups', 'dmarc/policy-none', 'mx/no-ipv6']) {
      expect(html).toContain(`data-finding="${id}"`);
    }
    // One bound copy button per fix record, holding the exact zone-file lines.
    const records = broken.fixes.flatMap((fix) => fix.fix.records ?? []);
    expect(attrCount(html, /<button [^>]*class="copy"[^>]*data-bound="true"/g)).toBe(records.length);
    const spfLines = zoneLines(records.find((record) => record.type === 'TXT' && record.name === 'broken.example')!).join('\n');
    expect(html).toContain(`<code>${spfLines.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</code>`);
    // Summary table and baseline comparison.
    expect(html).toContain('<table class="summary">');
    expect(html).toMatch(/<ul class="diff-new"><li data-finding="spf\/too-many-lookups">/);
    expect(html).toMatch(/<ul class="diff-resolved"><li data-finding="dmarc\/no-rua">/);
    // Facts are shown as JSON.
    expect(html).toContain('"record": "spf facts"');
  });

  it('makes no network request, even for markup inside a finding', async () => {
    const hostile = report('hostile.example', [
      check('spf', [
        finding('spf/too-many-lookups', 'high', {
          message: `<img src="http://127.0.0.1:${port}/img"><script src="http://127.0.0.1:${port}/js"></script>`,
          evidence: [`<link rel="stylesheet" href="http://127.0.0.1:${port}/css">`],
        }),
      ]),
    ]);
    const page = formatHtml([hostile]);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">`);
    expect(page).not.toMatch(/\s(src|href)="(https?:)?\/\//);
    const html = await dumpDom(writePage('hostile.html', page));
    expect(html).toContain('&lt;img src=');
    expect(html).not.toContain('<img');
    expect(hits).toBe(0);
  });

  it('copies on click (the button reports the outcome)', async () => {
    const page = formatHtml([brokenReport()]).replace(
      '</body>',
      `<script>document.querySelector('button.copy').click();setTimeout(function(){document.documentElement.setAttribute('data-after-click',document.querySelector('button.copy').textContent);},100);</script></body>`,
    );
    const html = await dumpDom(writePage('click.html', page));
    const after = /data-after-click="([^"]*)"/.exec(html)?.[1];
    expect(['Copied', 'Select and copy']).toContain(after);
  });

  it('draws the score gauge in the grade colour, filled to the score', async () => {
    const shots: Record<string, number> = {};
    const cases = [
      // Sending-side checks only: the receiving-security gauge beside it stays empty (nothing verified), so one ring is coloured.
      ['full', report('full.example', [check('spf'), check('dkim'), check('dmarc')])],
      ['half', report('half.example', [check('spf'), check('dmarc', [finding('dmarc/policy-none', 'critical')])])],
    ] as const;
    for (const [name, value] of cases) {
      const path = join(work, `${name}.png`);
      await runChromium(['--window-size=1000,700', `--screenshot=${path}`, writePage(`${name}.html`, formatHtml([value]))]);
      const image = decodePng(readFileSync(path));
      expect(image.width).toBe(1000);
      expect(image.height).toBe(700);
      shots[name] = countColor(image, GRADE_COLOR[value.score.grade]);
    }
    const half = cases[1][1];
    expect(half.score.value).toBe(50);
    // A ring of radius 52 and width 14 covers about 2π·52·14 ≈ 4,570 pixels when full.
    expect(shots.full).toBeGreaterThan(3_800);
    expect(shots.half! / shots.full!).toBeGreaterThan(0.4);
    expect(shots.half! / shots.full!).toBeLessThan(0.62);
  });
});
