/**
 * html: one self-contained page (inline CSS and JS, no external requests; a
 * Content-Security-Policy forbids any). Per domain: a score gauge, every check
 * with its findings and facts, the fixes as zone-file lines with copy buttons,
 * and the baseline comparison. Several domains get a summary table first.
 */
import { atOrAbove, DEFAULT_FAIL_ON, SEVERITIES } from '../severity.js';
import { findingsOf, severityCounts, zoneLines, type FormatOptions } from './common.js';
import type { CheckResult, Grade, Report, ReportDiff, Score } from '../schema/report.js';
import { pointsText, profileLine, scoreGrade, scoreText, scoreValue, togetherLine } from './verdicts.js';
import { safeStrings } from './escape.js';
import type { DocumentRenderer } from './document.js';

/** Escapes text for HTML content and double- or single-quoted attributes. */
export function htmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const esc = htmlEscape;

/** Colour of each grade band (also used by the gauge). */
export const GRADE_COLOR: Record<Grade, string> = {
  'A+': '#1a7f37',
  A: '#2da44e',
  B: '#7c9a14',
  C: '#bf8700',
  D: '#d1570b',
  F: '#cf222e',
};

const STATUS_GLYPH: Record<CheckResult['status'], string> = {
  pass: '✔',
  warn: '▲',
  fail: '✖',
  error: '?',
  skipped: '–',
};

function anchor(domain: string): string {
  return `domain-${domain.replace(/[^a-z0-9-]/gi, '-')}`;
}

/** An SVG ring filled to `value` percent in the grade's colour. */
function gauge(score: Score, label: string): string {
  const radius = 52;
  const circumference = 2 * Math.PI * radius;
  // Nothing verified: an empty ring and "—", never 0 / F.
  const filled = score.verified ? (circumference * score.value) / 100 : 0;
  const color = score.verified ? GRADE_COLOR[score.grade] : '#59636e';
  const aria = score.verified ? `${label} ${score.value} of 100, grade ${esc(score.grade)}` : `${label}: nothing could be verified`;
  return `<svg class="gauge" viewBox="0 0 128 128" width="128" height="128" role="img" aria-label="${aria}" data-score="${scoreValue(score)}" data-grade="${esc(scoreGrade(score))}">
<circle cx="64" cy="64" r="${radius}" fill="none" stroke="#d0d7de" stroke-width="14"/>
<circle class="gauge-arc" cx="64" cy="64" r="${radius}" fill="none" stroke="${color}" stroke-width="14" stroke-linecap="butt" stroke-dasharray="${filled.toFixed(2)} ${circumference.toFixed(2)}" transform="rotate(-90 64 64)"/>
<text x="64" y="58" text-anchor="middle" class="gauge-value">${scoreValue(score)}</text>
<text x="64" y="94" text-anchor="middle" class="gauge-grade" fill="${color}">${esc(scoreGrade(score))}</text>
</svg>`;
}

function profilesSection(report: Report, options: FormatOptions): string {
  if (report.profiles.length === 0) return '';
  const items = report.profiles
    .map((profile) => {
      const requirements =
        profile.selected || options.verbose
          ? `<ul class="requirements">${profile.requirements
              .map(
                (requirement) =>
                  `<li data-requirement="${esc(requirement.id)}" data-status="${esc(requirement.status)}"><code>${esc(requirement.id)}</code> ${esc(requirement.status)}: ${esc(requirement.summary)}${
                    requirement.needs ? ` (give ${esc(requirement.needs)})` : ''
                  } <a href="${esc(requirement.source)}">source</a> (read ${esc(requirement.sourceRead)})</li>`,
              )
              .join('')}</ul>`
          : '';
      return `<li class="profile" data-profile="${esc(profile.id)}" data-verdict="${esc(profile.verdict)}">${esc(profileLine(profile))}${requirements}</li>`;
    })
    .join('\n');
  return `<h3>Mailbox providers</h3><ul class="profiles">${items}</ul>`;
}

function copyBlock(lines: string[], label: string): string {
  const text = lines.join('\n');
  return `<div class="copyable"><pre class="record"><code>${esc(text)}</code></pre><button type="button" class="copy" data-copy="${esc(text)}" aria-label="${esc(label)}">Copy</button></div>`;
}

function checkSection(report: Report, check: CheckResult, failOn: FormatOptions['failOn']): string {
  const findings = check.findings
    .map((finding) => {
      // An accepted finding (ignore rule) stays visible, marked, and fails nothing.
      const failing = finding.suppressed ? ' suppressed' : atOrAbove(finding.severity, failOn ?? DEFAULT_FAIL_ON) ? ' failing' : '';
      const ignored = finding.suppressed ? `<p class="note">Ignored: ${esc(finding.suppressed.reason)}</p>` : '';
      const evidence =
        finding.evidence.length > 0
          ? `<ul class="evidence">${finding.evidence.map((item) => `<li><code>${esc(item)}</code></li>`).join('')}</ul>`
          : '';
      return `<li class="finding sev-${finding.severity}${failing}" data-finding="${esc(finding.id)}"><span class="badge sev-${finding.severity}">${finding.severity}</span> <strong>${esc(finding.title)}</strong> <code class="fid">${esc(finding.id)}</code><p>${esc(finding.message)}</p>${ignored}${evidence}</li>`;
    })
    .join('');
  const note =
    check.status === 'error'
      ? `<p class="note">Could not conclude: ${esc(check.error ?? '')}</p>`
      : check.status === 'skipped'
        ? `<p class="note">Skipped: ${esc(check.skipReason ?? '')}</p>`
        : '';
  const facts = Object.keys(check.facts).length
    ? `<details class="facts"><summary>Facts</summary><pre><code>${esc(JSON.stringify(check.facts, null, 2))}</code></pre></details>`
    : '';
  const open = check.status === 'fail' || check.status === 'error' ? ' open' : '';
  const count = check.findings.length ? `<span class="count">${check.findings.length} finding${check.findings.length === 1 ? '' : 's'}</span>` : '';
  return `<details class="check status-${check.status}" data-check="${esc(check.id)}" data-status="${check.status}"${open}>
<summary><span class="glyph">${STATUS_GLYPH[check.status]}</span> <span class="check-title">${esc(check.title)}</span> <code>${esc(check.id)}</code> <span class="status">${check.status}</span> ${count}</summary>
${note}${findings ? `<ul class="findings">${findings}</ul>` : ''}${facts}
</details>`;
}

function fixesSection(report: Report): string {
  if (report.fixes.length === 0) return '';
  const items = report.fixes
    .map((ranked) => {
      const records = ranked.fix.records ?? [];
      const recordBlocks = records.map((record) => copyBlock(zoneLines(record), `Copy ${record.type} record for ${record.name}`));
      const files = (ranked.fix.files ?? []).map(
        (file) => `<p>Serve at <code>${esc(file.url)}</code>:</p>${copyBlock(file.content.split(/\r?\n/), `Copy ${file.url}`)}`,
      );
      const placeholders = Object.entries(ranked.fix.placeholders ?? {}).map(
        ([name, meaning]) => `<li><code>&lt;${esc(name)}&gt;</code>: ${esc(meaning)}</li>`,
      );
      const notes = (ranked.fix.notes ?? []).map((note) => `<li>${esc(note)}</li>`);
      return `<li class="fix" data-finding="${esc(ranked.findingId)}"><p><strong>${esc(ranked.fix.summary)}</strong> <span class="points">${esc(pointsText(ranked))} → ${ranked.scoreAfter}</span> <code class="fid">${esc(ranked.findingId)}</code></p>${recordBlocks.join('')}${files.join('')}${
        placeholders.length ? `<ul class="placeholders">${placeholders.join('')}</ul>` : ''
      }${notes.length ? `<ul class="notes">${notes.join('')}</ul>` : ''}</li>`;
    })
    .join('\n');
  const together = togetherLine(report);
  return `<h3>Fix first</h3>${together ? `<p class="together">${esc(together)}</p>` : ''}<ol class="fixes">${items}</ol>`;
}

function diffSection(diff: ReportDiff): string {
  const list = (label: string, cls: string, items: ReportDiff['new']) =>
    items.length
      ? `<h4>${label}</h4><ul class="diff-${cls}">${items
          .map(
            (item) =>
              `<li data-finding="${esc(item.id)}"><span class="badge sev-${item.severity}">${item.severity}</span> <code>${esc(item.id)}</code> ${esc(item.title)}${
                item.previousSeverity ? ` (was ${item.previousSeverity})` : ''
              }</li>`,
          )
          .join('')}</ul>`
      : '';
  const head =
    diff.baseline === null
      ? '<p>Not in the baseline: every finding is new.</p>'
      : diff.scoreDelta === null
        ? `<p>Score not compared: nothing could be verified in one of the runs. Baseline of ${esc(diff.baseline.generatedAt)}.</p>`
        : `<p>Score ${diff.baseline.score.value} → ${diff.baseline.score.value + (diff.scoreDelta ?? 0)} (<span class="delta" data-delta="${diff.scoreDelta}">${
          (diff.scoreDelta ?? 0) > 0 ? '+' : ''
        }${diff.scoreDelta}</span>), baseline of ${esc(diff.baseline.generatedAt)}.</p>`;
  const notCompared = diff.notCompared.length
    ? `<p class="note">Not compared: ${diff.notCompared.map((id) => `<code>${esc(id)}</code>`).join(', ')}</p>`
    : '';
  return `<section class="diff"><h3>Compared with the baseline</h3>${head}${list('New', 'new', diff.new)}${list('Resolved', 'resolved', diff.resolved)}${list('Unchanged', 'unchanged', diff.unchanged)}${notCompared}</section>`;
}

function domainSection(report: Report, options: FormatOptions): string {
  const counts = severityCounts(report);
  const chips = SEVERITIES.filter((severity) => counts[severity] > 0)
    .map((severity) => `<span class="badge sev-${severity}">${counts[severity]} ${severity}</span>`)
    .join(' ');
  const incomplete = report.score.complete
    ? ''
    : '<p class="note incomplete">Incomplete: some checks could not conclude; the score rests on the others.</p>';
  const findingCount = findingsOf(report).length;
  return `<section class="domain" id="${anchor(report.domain)}" data-domain="${esc(report.domain)}" data-score="${scoreValue(report.score)}" data-grade="${esc(scoreGrade(report.score))}" data-receiving="${scoreValue(report.receiving)}">
<header class="domain-head">${gauge(report.score, 'Deliverability')}${gauge(report.receiving, 'Receiving security')}<div><h2>${esc(report.domain)}</h2><p>Deliverability ${esc(scoreText(report.score))} · receiving security ${esc(scoreText(report.receiving))}${report.parked ? ' · parked: sends and receives no mail' : ''}</p>${report.input ? `<p class="input">Input: ${esc(report.input)}</p>` : ''}<p>${findingCount} finding${findingCount === 1 ? '' : 's'} ${chips}</p>${incomplete}<p class="meta">${report.dns.queries} DNS queries via ${esc(report.dns.servers.join(', ') || 'system resolvers')} · ${esc(report.generatedAt)}</p></div></header>
<h3>Checks</h3>
<div class="checks">${report.checks.map((check) => checkSection(report, check, options.failOn)).join('\n')}</div>
${profilesSection(report, options)}
${fixesSection(report)}
${report.diff ? diffSection(report.diff) : ''}
</section>`;
}

function summaryTable(reports: readonly Report[]): string {
  if (reports.length < 2) return '';
  const withDiff = reports.some((r) => r.diff);
  const rows = reports.map((report) => summaryRow(report, withDiff)).join('\n');
  return `${summaryTableHead(withDiff)}${rows}</tbody></table>`;
}

function summaryTableHead(withDiff: boolean): string {
  const diffHead = withDiff ? '<th>Δ</th>' : '';
  return `<table class="summary"><thead><tr><th>Domain</th><th>Score</th><th>Grade</th><th>Receiving</th>${SEVERITIES.map((s) => `<th>${s}</th>`).join('')}${diffHead}</tr></thead><tbody>`;
}

function summaryRow(report: Report, withDiff: boolean): string {
  const counts = severityCounts(report);
  const delta = report.diff?.scoreDelta;
  return `<tr><td><a href="#${anchor(report.domain)}">${esc(report.domain)}</a></td><td class="num">${scoreValue(report.score)}</td><td><span class="grade" style="color:${report.score.verified ? GRADE_COLOR[report.score.grade] : 'inherit'}">${esc(scoreGrade(report.score))}</span></td><td class="num">${esc(scoreText(report.receiving))}</td>${SEVERITIES.map(
    (severity) => `<td class="num">${counts[severity]}</td>`,
  ).join('')}${withDiff ? `<td class="num">${delta === undefined || delta === null ? '–' : (delta > 0 ? '+' : '') + delta}</td>` : ''}</tr>`;
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d0d7de;--card:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#3d444d;--card:#151b23}}
*{box-sizing:border-box}body{margin:0;padding:24px;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);max-width:1100px;margin-inline:auto}
h1{font-size:22px;margin:0 0 4px}h2{margin:0;font-size:22px}h3{margin:24px 0 8px;font-size:17px}h4{margin:12px 0 4px}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.meta,.input,.note{color:var(--muted);margin:4px 0}.incomplete{color:#bf8700}
.domain{border-top:1px solid var(--line);padding-top:16px;margin-top:24px}
.domain-head{display:flex;gap:20px;align-items:center}
.gauge-value{font:700 34px system-ui,sans-serif;fill:var(--fg);dominant-baseline:middle}.gauge-grade{font:700 18px system-ui,sans-serif}
.check{border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:6px 10px;background:var(--card)}
.check>summary{cursor:pointer}.glyph{display:inline-block;width:1.2em;text-align:center;font-weight:700}
.status-pass .glyph{color:#1a7f37}.status-warn .glyph{color:#bf8700}.status-fail .glyph{color:#cf222e}.status-error .glyph{color:#8250df}.status-skipped .glyph{color:var(--muted)}
.status,.count{color:var(--muted);font-size:13px}
.findings{list-style:none;padding:0}.finding{border-left:3px solid var(--line);padding:2px 10px;margin:8px 0}.finding p{margin:2px 0}
.finding.sev-critical,.finding.sev-high{border-color:#cf222e}.finding.sev-medium{border-color:#d1570b}.finding.sev-low{border-color:#bf8700}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff;background:#59636e}
.badge.sev-critical{background:#82071e}.badge.sev-high{background:#cf222e}.badge.sev-medium{background:#d1570b}.badge.sev-low{background:#9a6700}.badge.sev-info{background:#0969da}
.fid{color:var(--muted)}.evidence{margin:4px 0;color:var(--muted)}
.copyable{position:relative;margin:6px 0}.record{margin:0;padding:10px 70px 10px 10px;background:var(--card);border:1px solid var(--line);border-radius:6px;overflow-x:auto;white-space:pre}
.copy{position:absolute;top:6px;right:6px;font:12px system-ui,sans-serif;padding:3px 10px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);cursor:pointer}
.copy.copied{border-color:#1a7f37;color:#1a7f37}
.points{color:#1a7f37;font-weight:600}
table.summary{border-collapse:collapse;margin:12px 0}table.summary td,table.summary th{border:1px solid var(--line);padding:4px 10px}.num{text-align:right}.grade{font-weight:700}
.facts pre{max-height:360px;overflow:auto;background:var(--bg);border:1px solid var(--line);padding:8px;border-radius:6px}
@media print{.copy{display:none}details{display:block}}
`;

/** Copy buttons: the Clipboard API where allowed (secure contexts), else a selected textarea and execCommand. */
const SCRIPT = `
(function(){
  function fallback(text){var area=document.createElement('textarea');area.value=text;area.setAttribute('readonly','');area.style.position='fixed';area.style.opacity='0';document.body.appendChild(area);area.select();var ok=false;try{ok=document.execCommand('copy');}catch(e){ok=false;}document.body.removeChild(area);return ok;}
  function done(button,ok){button.textContent=ok?'Copied':'Select and copy';button.classList.toggle('copied',ok);setTimeout(function(){button.textContent='Copy';button.classList.remove('copied');},1500);}
  var buttons=document.querySelectorAll('button.copy');
  for(var i=0;i<buttons.length;i++){(function(button){
    button.addEventListener('click',function(){
      var text=button.getAttribute('data-copy')||'';
      if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(text).then(function(){done(button,true);},function(){done(button,fallback(text));});}
      else{done(button,fallback(text));}
    });
    button.setAttribute('data-bound','true');
  })(buttons[i]);}
  document.documentElement.setAttribute('data-ready','true');
})();
`;

/** Content-Security-Policy of the page: nothing may be loaded from anywhere. */
export const HTML_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function formatHtml(rawReports: readonly Report[], options: FormatOptions = {}): string {
  // Control and bidi characters from outside strings are shown as escapes, then HTML-escaped.
  const reports = safeStrings(rawReports);
  const title =
    reports.length === 1 ? `mailcheck: ${reports[0]!.domain} ${scoreText(reports[0]!.score)}` : `mailcheck: ${reports.length} domains`;
  return `${pageHead(title, reports.length, reports[0]?.tool)}
${summaryTable(reports)}
${reports.map((report) => domainSection(report, options)).join('\n')}
${PAGE_TAIL}`;
}

/** The page up to and including `<main>`. */
function pageHead(title: string, count: number, tool: Report['tool'] | undefined): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${esc(tool ? `${tool.name} ${tool.version}` : 'mailcheck')}">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>mailcheck report</h1><p class="meta">${count} domain${count === 1 ? '' : 's'}${tool ? ` · ${esc(tool.name)} ${esc(tool.version)}` : ''}</p></header>
<main>`;
}

const PAGE_TAIL = `</main>
<script>${SCRIPT}</script>
</body>
</html>
`;

/**
 * The same page one report at a time: the head and the summary table's rows
 * go out at once (the count is known before the first report); each domain's
 * section waits in the "domains" section until the table is closed.
 */
export const htmlDocument: DocumentRenderer = (options, context) => {
  let count = 0;
  const table = context.total >= 2;
  return {
    add(rawReport) {
      const [report] = safeStrings([rawReport]);
      const first = count++ === 0;
      let out = '';
      if (first) {
        const title = context.total === 1 ? `mailcheck: ${report!.domain} ${scoreText(report!.score)}` : `mailcheck: ${context.total} domains`;
        out = `${pageHead(title, context.total, report!.tool)}\n${table ? summaryTableHead(context.diff) : ''}`;
      }
      if (table) out += `${first ? '' : '\n'}${summaryRow(report!, context.diff)}`;
      return { out, sections: { domains: `${first ? '' : '\n'}${domainSection(report!, options)}` } };
    },
    finish: () => [
      count === 0 ? `${pageHead(`mailcheck: 0 domains`, 0, undefined)}\n` : '',
      table && count > 0 ? '</tbody></table>' : '',
      '\n',
      { section: 'domains' },
      `\n${PAGE_TAIL}`,
    ],
  };
};
