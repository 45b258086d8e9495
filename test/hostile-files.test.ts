/**
 * Hostile and broken input files: each one line on stderr and exit 2 (or
 * read correctly), bounded before it is read.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPTURE_FORMAT, CAPTURE_VERSION } from '../src/dns/capture.js';
import { MAX_LINE_ERRORS, parseStsPolicy } from '../src/mta-sts/policy.js';
import { reportSchema } from '../src/schema/report.js';
import { runCli } from './helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-files-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const oneLine = (stderr: string) => stderr.split('\n').filter(Boolean);

describe('hostile files', () => {
  it('an unknown option holding a terminal escape is shown escaped in the one-line usage error', async () => {
    const result = await runCli(['--bo\u001b[2Jgus']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain("unknown option '--bo\\u{1b}[2Jgus'");
    expect(result.stderr).not.toContain('\u001b');
  });

  it('a --replay capture whose records have the wrong shape: one line, exit 2', async () => {
    const file = path.join(dir, 'bad-capture.json');
    const capture = {
      format: CAPTURE_FORMAT,
      version: CAPTURE_VERSION,
      servers: ['127.0.0.1:53'],
      savedAt: '2026-12-06T00:00:00.000Z',
      answers: [{ name: 'bad.test', type: 'MX', answer: { status: 'ok', records: ['not an mx'], ttl: 300, ad: false, cnames: [] } }],
    };
    writeFileSync(file, JSON.stringify(capture));
    const result = await runCli(['bad.test', '--replay', file]);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/at answers\.0\.answer\.records\.0: not a MX record/);
  });

  it('a zone file that starts with a byte-order mark is read', async () => {
    const file = path.join(dir, 'bom.zone');
    writeFileSync(file, '\uFEFF$ORIGIN bom.test.\n@ SOA ns hm 1 1 1 1 1\n@ NS ns\n@ TXT "v=spf1 -all"\nns A 127.0.0.53\n');
    const result = await runCli(['bom.test', '--zone', file, '--offline', '--checks', 'spf', '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(reportSchema.parse(JSON.parse(result.stdout)).checks.find((check) => check.id === 'spf')!.status).toBe('pass');
  });

  it('a --ca-file whose PEM block is no certificate is refused: one line, exit 2', async () => {
    const file = path.join(dir, 'broken.pem');
    writeFileSync(file, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
    const result = await runCli(['example.test', '--ca-file', file, '--zone', path.join(dir, 'bom.zone'), '--offline']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toEqual([`mailcheck: --ca-file "${file}" holds 1 PEM block but no certificate that can be read. Give the CA certificate in PEM form.`]);
  });

  it.each([
    ['--ca-file', 2 * 1024 * 1024, '1 MiB'],
    ['--zone', 130 * 1024 * 1024, '128 MiB'],
  ])('a %s over its size limit is refused before it is read, naming the limit', async (option, size, limit) => {
    const file = path.join(dir, `huge${option}`);
    writeFileSync(file, '');
    truncateSync(file, size); // Sparse: nothing is written to disk.
    const result = await runCli(['example.test', option, file, ...(option === '--zone' ? ['--offline'] : [])]);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toEqual([`mailcheck: ${option} "${file}" is larger than ${limit}, the most mailcheck reads for ${option}. Give a smaller file.`]);
  });

  it('an MTA-STS policy of 65,536 empty lines gives a bounded number of messages', () => {
    const policy = parseStsPolicy('\n'.repeat(65_536));
    expect(policy.errors.length).toBeLessThanOrEqual(MAX_LINE_ERRORS + 5);
    expect(policy.errors).toContain(`and ${65_536 - MAX_LINE_ERRORS} more lines with problems`);
  });
});
