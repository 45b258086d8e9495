/**
 * The dane check with mailcheck's own DNSSEC validation: TLSA RRsets in zones
 * signed at run time under a private root (test/helpers/dnssec-lab.ts),
 * served without the AD flag, through the library and the CLI.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { daneCheck } from '../src/checks/dane.js';
import { parseTrustAnchors } from '../src/dnssec/anchors.js';
import { buildDnssecLab } from './helpers/dnssec-lab.js';
import { findingIds, runCheck, useFixture } from './helpers/context.js';
import { runCli } from './helpers/cli.js';

const lab = buildDnssecLab();
const fixture = useFixture({ zone: {} }, { answer: lab.tree.answer });
const trustAnchors = parseTrustAnchors(lab.rootAnchor, 'root.keys');
const folder = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-dane-anchors-'));
const anchorFile = path.join(folder, 'root.keys');
writeFileSync(anchorFile, `${lab.rootAnchor}\n`);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const cases: Array<{ domain: string; ids: string[]; dnssec: string; source: string; exit: number }> = [
  { domain: 'secure.test', ids: [], dnssec: 'authenticated', source: 'validation', exit: 0 },
  { domain: 'rsa.test', ids: [], dnssec: 'authenticated', source: 'validation', exit: 0 },
  { domain: 'bad-tlsa.test', ids: ['dane/tlsa-bogus'], dnssec: 'bogus', source: 'validation', exit: 1 },
  { domain: 'nsec.test', ids: ['dane/tlsa-without-dnssec'], dnssec: 'unauthenticated', source: 'validation', exit: 0 },
];

describe('dane check, own validation', () => {
  it.each(cases)('$domain → $ids ($dnssec)', async ({ domain, ids, dnssec, source }) => {
    const result = await runCheck(daneCheck, fixture.ctx(domain, { trustAnchors, smtp: false }));
    expect(findingIds(result)).toEqual(ids);
    expect((result.facts as { hosts: Array<{ dnssec: string; source: string }> }).hosts[0]).toMatchObject({ dnssec, source });
  });

  it.each(cases)('CLI: $domain exits $exit', async ({ domain, ids, exit }) => {
    const result = await runCli([domain, '--checks', 'dane', '--no-smtp', '--format', 'json', '--resolver', fixture.server.server, '--timeout', '3000', '--trust-anchor', anchorFile]);
    expect(result.code).toBe(exit);
    const dane = (JSON.parse(result.stdout) as { checks: Array<{ id: string; findings: Array<{ id: string }> }> }).checks.find((check) => check.id === 'dane')!;
    expect(dane.findings.map((finding) => finding.id)).toEqual(ids);
  });
});
