/**
 * csv, markdown and html for `mailcheck reports`. All render the same
 * result object; every outside string is escaped for its format (CSV fields
 * quoted with formulas neutralised, Markdown punctuation escaped, HTML
 * entities), and control characters are made visible first.
 */
import { csvField } from '../report/csv.js';
import { htmlEscape } from '../report/html.js';
import { mdBlock, mdCode, mdText } from '../report/markdown.js';
import { fixRecordLines } from '../report/zone.js';
import { day, number, percent, safeText } from './render-text.js';
import type { DomainResult, ReportsResult } from './schema.js';

/**
 * A CSV field that a spreadsheet will not run as a formula: a leading
 * `=`, `+`, `-`, `@`, tab or carriage return gets a `'` in front (OWASP CSV injection).
 */
export function csvSafe(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return csvField(value);
  const text = safeText(value);
  return csvField(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
}

const CSV_COLUMNS = ['kind', 'domain', 'begin', 'end', 'ip', 'ptr', 'service', 'group', 'messages', 'dmarc_pass', 'dmarc_fail', 'spf_aligned', 'dkim_aligned', 'forwarded', 'verdict', 'legitimate', 'blocking', 'detail'];

/** One row per source; then one per TLS-RPT failure type; then one per error (RFC 4180, CRLF). */
export function renderReportsCsv(result: ReportsResult): string {
  const line = (fields: Array<string | number | boolean | null>) => `${fields.map(csvSafe).join(',')}\r\n`;
  let out = line(CSV_COLUMNS);
  for (const domain of result.domains) {
    const blocking = new Set(domain.readiness.blocking.flatMap((source) => source.ips));
    for (const source of domain.sources) {
      out += line([
        'source', domain.domain, domain.begin, domain.end, source.ip, source.ptr, source.service, source.group, source.messages,
        source.dmarc.pass, source.dmarc.fail, source.spf.aligned, source.dkim.aligned, source.forwarded, source.verdict,
        source.legitimate, blocking.has(source.ip), '',
      ]);
    }
  }
  for (const entry of result.tlsrpt) {
    for (const failure of entry.failures) {
      out += line(['tlsrpt', entry.domain, null, null, null, null, null, entry.policy, failure.count, null, null, null, null, null, null, null, null, `${failure.type}${failure.findingId ? ` ${failure.findingId}` : ''}`]);
    }
  }
  for (const error of result.errors) out += line(['error', null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, `${error.file}: ${error.message}`]);
  return out;
}

const md = (text: string) => mdText(safeText(text));

function markdownDomain(domain: DomainResult, out: string[]): void {
  out.push(`## ${md(domain.domain)}`, '');
  out.push(`${day(domain.begin)} to ${day(domain.end)}, ${number(domain.reports)} reports from ${domain.receivers.map((receiver) => md(receiver.name)).join(', ') || 'no receiver'}.`, '');
  out.push('| messages | DMARC pass | SPF aligned | DKIM aligned | none | quarantine | reject |', '|---:|---:|---:|---:|---:|---:|---:|');
  out.push(`| ${number(domain.messages)} | ${percent(domain.dmarc.passRate)} | ${percent(domain.aligned.spfRate)} | ${percent(domain.aligned.dkimRate)} | ${number(domain.dispositions.none)} | ${number(domain.dispositions.quarantine)} | ${number(domain.dispositions.reject)} |`, '');
  if (domain.sources.length > 0) {
    out.push('| IP | reverse DNS | service | messages | DMARC pass | SPF aligned | DKIM aligned | verdict |', '|---|---|---|---:|---:|---:|---:|---|');
    for (const source of domain.sources.slice(0, 200)) {
      out.push(`| ${mdCode(source.ip)} | ${md(source.ptr ?? '')} | ${md(source.service ?? '')} | ${number(source.messages)} | ${number(source.dmarc.pass)} | ${number(source.spf.aligned)} | ${number(source.dkim.aligned)} | ${source.verdict} |`);
    }
    out.push('');
  }
  const readiness = domain.readiness;
  const step = readiness.target ? `p=${readiness.target}` : 'enforcement';
  out.push(readiness.ready ? `**Ready for ${step}.**` : `**Not ready for ${step}.**`, '');
  for (const source of readiness.blocking) {
    out.push(`- ${md(source.group)} (${source.ips.slice(0, 5).map(mdCode).join(', ')}): ${number(source.failing)} of ${number(source.messages)} messages fail DMARC`);
    for (const fix of source.fixes) {
      out.push(`  - ${md(fix.summary)}`);
      for (const note of fix.notes ?? []) out.push(`    ${md(note)}`);
      if (fix.records?.length) out.push(mdBlock(fix.records.flatMap((record) => fixRecordLines(record).map(safeText))).replace(/^/gm, '    '));
    }
  }
  if (readiness.nextRecord) {
    out.push('', 'Next DMARC record:', '', mdBlock(fixRecordLines({ action: 'add', name: readiness.nextRecord.name, type: 'TXT', value: readiness.nextRecord.value }).map(safeText)));
  }
  out.push('');
}

export function renderReportsMarkdown(result: ReportsResult): string {
  const counts = result.reports;
  const out = ['# DMARC and TLS-RPT reports', '', `${number(counts.read)} reports read (${number(counts.aggregate)} aggregate, ${number(counts.failure)} failure, ${number(counts.tlsrpt)} TLS-RPT), ${number(counts.failed)} inputs failed.`, ''];
  for (const domain of result.domains) markdownDomain(domain, out);
  if (result.tlsrpt.length > 0) {
    out.push('## TLS-RPT', '', '| domain | policy | successful | failed | failure types |', '|---|---|---:|---:|---|');
    for (const entry of result.tlsrpt) {
      const types = entry.failures.map((failure) => `${md(failure.type)} ${number(failure.count)}${failure.findingId ? ` (${mdCode(failure.findingId)})` : ''}`).join(', ');
      out.push(`| ${md(entry.domain)} | ${md(entry.policy)} | ${number(entry.success)} | ${number(entry.failure)} | ${types} |`);
    }
    out.push('');
  }
  if (result.errors.length > 0) {
    out.push('## Errors', '');
    for (const error of result.errors) out.push(`- ${md(error.file)}: ${md(error.message)}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

const h = (text: string) => htmlEscape(safeText(text));

/** Horizontal bars for the domain's rates (inline SVG, no script). */
function rateChart(domain: DomainResult): string {
  const bars: Array<[string, number | null, string]> = [
    ['DMARC pass', domain.dmarc.passRate, '#1a7f37'],
    ['SPF aligned', domain.aligned.spfRate, '#0969da'],
    ['DKIM aligned', domain.aligned.dkimRate, '#8250df'],
  ];
  const rows = bars
    .map(([label, value, color], index) => {
      const y = index * 28;
      const width = Math.round((value ?? 0) * 300);
      return `<text x="0" y="${y + 15}">${label}</text><rect x="110" y="${y + 3}" width="300" height="16" fill="#eaeef2"/><rect x="110" y="${y + 3}" width="${width}" height="16" fill="${color}"/><text x="420" y="${y + 15}">${percent(value)}</text>`;
    })
    .join('');
  return `<svg class="chart" role="img" aria-label="pass rates" width="480" height="${bars.length * 28}" font-size="12">${rows}</svg>`;
}

/** The DMARC pass rate per day as columns (inline SVG); nothing for a single day. */
function dailyChart(domain: DomainResult): string {
  const days = domain.daily.slice(-120);
  if (days.length < 2) return '';
  const width = Math.max(4, Math.floor(600 / days.length));
  const bars = days
    .map((entry, index) => {
      const rate = entry.messages === 0 ? 0 : entry.pass / entry.messages;
      const height = Math.round(rate * 100);
      return `<rect x="${index * width}" y="${100 - height}" width="${width - 1}" height="${height}" fill="#1a7f37"><title>${entry.day}: ${percent(entry.messages ? rate : null)} of ${number(entry.messages)}</title></rect>`;
    })
    .join('');
  return `<p>DMARC pass rate per day, ${days[0]!.day} to ${days.at(-1)!.day}:</p><svg class="chart" role="img" aria-label="DMARC pass rate per day" width="${days.length * width}" height="100">${bars}</svg>`;
}

function htmlDomain(domain: DomainResult): string {
  const readiness = domain.readiness;
  const step = readiness.target ? `p=${readiness.target}` : 'enforcement';
  const sources = domain.sources
    .map(
      (source) =>
        `<tr class="${source.verdict}"><td><code>${h(source.ip)}</code></td><td>${h(source.ptr ?? '')}</td><td>${h(source.service ?? '')}</td><td class="n">${number(source.messages)}</td><td class="n">${percent(source.messages ? source.dmarc.pass / source.messages : null)}</td><td class="n">${number(source.spf.aligned)}</td><td class="n">${number(source.dkim.aligned)}</td><td>${source.verdict}</td></tr>`,
    )
    .join('\n');
  const blocking = readiness.blocking
    .map(
      (source) =>
        `<li><strong>${h(source.group)}</strong> (${source.ips.slice(0, 5).map(h).join(', ')}): ${number(source.failing)} of ${number(source.messages)} messages fail DMARC<ul>${source.fixes
          .map((fix) => `<li>${h(fix.summary)}${(fix.records ?? []).map((record) => `<pre>${fixRecordLines(record).map(h).join('\n')}</pre>`).join('')}${(fix.notes ?? []).map((note) => `<div class="note">${h(note)}</div>`).join('')}</li>`)
          .join('')}</ul></li>`,
    )
    .join('\n');
  const next = readiness.nextRecord
    ? `<p>Next DMARC record:</p><pre>${fixRecordLines({ action: 'add', name: readiness.nextRecord.name, type: 'TXT', value: readiness.nextRecord.value }).map(h).join('\n')}</pre>`
    : '';
  return `<section><h2>${h(domain.domain)}</h2>
<p>${day(domain.begin)} to ${day(domain.end)} · ${number(domain.reports)} reports · ${number(domain.messages)} messages · receivers: ${domain.receivers.map((receiver) => h(receiver.name)).join(', ')}</p>
${rateChart(domain)}
${dailyChart(domain)}
<table><tr><th>messages</th><th>DMARC pass</th><th>SPF aligned</th><th>DKIM aligned</th><th>none</th><th>quarantine</th><th>reject</th></tr>
<tr><td class="n">${number(domain.messages)}</td><td class="n">${percent(domain.dmarc.passRate)}</td><td class="n">${percent(domain.aligned.spfRate)}</td><td class="n">${percent(domain.aligned.dkimRate)}</td><td class="n">${number(domain.dispositions.none)}</td><td class="n">${number(domain.dispositions.quarantine)}</td><td class="n">${number(domain.dispositions.reject)}</td></tr></table>
<h3>Sources</h3>
<table><tr><th>IP</th><th>reverse DNS</th><th>service</th><th>messages</th><th>DMARC pass</th><th>SPF aligned</th><th>DKIM aligned</th><th>verdict</th></tr>
${sources}</table>
<h3 class="${readiness.ready ? 'ready' : 'blocked'}">${readiness.ready ? 'Ready' : 'Not ready'} for ${step}</h3>
<ul>${blocking}</ul>${next}</section>`;
}

export function renderReportsHtml(result: ReportsResult): string {
  const tlsrpt = result.tlsrpt.length
    ? `<section><h2>TLS-RPT</h2><table><tr><th>domain</th><th>policy</th><th>successful</th><th>failed</th><th>failure types</th></tr>${result.tlsrpt
        .map((entry) => `<tr><td>${h(entry.domain)}</td><td>${h(entry.policy)}</td><td class="n">${number(entry.success)}</td><td class="n">${number(entry.failure)}</td><td>${entry.failures.map((failure) => `${h(failure.type)} ${number(failure.count)}${failure.findingId ? ` (<code>${h(failure.findingId)}</code>)` : ''}`).join(', ')}</td></tr>`)
        .join('')}</table></section>`
    : '';
  const errors = result.errors.length ? `<section><h2>Errors</h2><ul>${result.errors.map((error) => `<li><code>${h(error.file)}</code>: ${h(error.message)}</li>`).join('')}</ul></section>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>mailcheck reports</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#1f2328}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left}td.n{text-align:right}tr.spoofing td{color:#cf222e}h3.ready{color:#1a7f37}h3.blocked{color:#cf222e}pre{background:#f6f8fa;padding:6px}.note{color:#57606a}</style>
</head><body>
<h1>DMARC and TLS-RPT reports</h1>
<p>${number(result.reports.read)} reports read (${number(result.reports.aggregate)} aggregate, ${number(result.reports.failure)} failure, ${number(result.reports.tlsrpt)} TLS-RPT), ${number(result.reports.failed)} inputs failed.</p>
${result.domains.map(htmlDomain).join('\n')}
${tlsrpt}
${errors}
</body></html>
`;
}
