/**
 * `mailcheck mcp`, as an MCP client sees it: the built CLI spawned by the
 * SDK's own client over a real stdio pipe, DNS from the fixture server on
 * 127.0.0.1 (resolver and timeout given once, at start-up).
 */
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture, startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { reportSchema, type Report } from '../src/schema/report.js';
import { BIN, CHILD_GUARD, ROOT, cleanEnv, runCli } from './helpers/cli.js';
import { rfc7489Xml } from './helpers/report-samples.js';
import { RFC3464_MIXED } from './helpers/bounce-samples.js';

/** Starts `mailcheck mcp <args>` and connects the SDK client to it over stdio. */
async function connect(args: string[]): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', pathToFileURL(CHILD_GUARD).href, BIN, 'mcp', ...args],
    cwd: ROOT,
    env: cleanEnv() as Record<string, string>,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'mailcheck-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** The text parts of a tool result: the summary, then the JSON. */
function texts(result: CallToolResult): string[] {
  return result.content.map((part) => (part.type === 'text' ? part.text : ''));
}

let dns: FixtureServer;
let client: Client;

beforeAll(async () => {
  dns = await startFixtureDnsServer(['demo-good', 'demo-broken', 'demo-message'].map((name) => loadFixture(name)));
  client = await connect(['--resolver', dns.server, '--timeout', '2000', '--no-smtp']);
}, 60_000);

afterAll(async () => {
  await client?.close();
  await dns?.close();
});

describe('mailcheck mcp', () => {
  it('names itself and lists the audit, spf, message, reports and bounces tools with their input schemas', async () => {
    expect(client.getServerVersion()?.name).toBe('mailcheck');
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['audit', 'spf', 'message', 'reports', 'bounces']);
    const [audit, spf] = tools as [(typeof tools)[0], (typeof tools)[0]];
    expect(audit.inputSchema.required).toEqual(['domains']);
    expect(Object.keys(audit.inputSchema.properties ?? {})).toEqual(['domains', 'checks', 'skip', 'dkimSelectors', 'ips', 'smtp']);
    expect(spf.inputSchema.required).toEqual(['domain']);
    expect(Object.keys(spf.inputSchema.properties ?? {})).toEqual(['domain', 'ip', 'sender', 'helo']);
    for (const tool of tools) expect(tool.annotations?.readOnlyHint).toBe(true);
  });

  it('audits domains through the start-up resolver and returns Reports and a summary line each', async () => {
    const result = (await client.callTool({ name: 'audit', arguments: { domains: ['good.example', 'Broken.Example.'] } }, undefined, {
      timeout: 60_000,
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const reports = (result.structuredContent as { reports: Report[] }).reports;
    expect(reports.map((report) => reportSchema.parse(report).domain)).toEqual(['good.example', 'broken.example']);
    // The JSON text part is the same result, for clients that read only text.
    expect(JSON.parse(texts(result)[1]!)).toEqual(result.structuredContent);
    for (const report of reports) expect(report.dns.servers).toEqual([dns.server]);
    // --no-smtp at start-up holds for every call.
    expect(reports[0]!.checks.find((check) => check.id === 'tls')?.status).toBe('skipped');
    const brokenIds = reports[1]!.checks.flatMap((check) => check.findings.map((finding) => finding.id));
    expect(brokenIds).toEqual(expect.arrayContaining(['dmarc/policy-none', 'mx/unresolvable-target']));
    const lines = texts(result)[0]!.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^good\\.example: score ${reports[0]!.score.value}/100 \\(${reports[0]!.score.grade.replace('+', '\\+')}\\)`));
    expect(lines[1]).toContain(`fix first: ${reports[1]!.fixes[0]!.findingId} `);
  }, 90_000);

  it('narrows an audit to the checks asked for', async () => {
    const result = (await client.callTool({ name: 'audit', arguments: { domains: ['broken.example'], checks: ['dmarc', 'spf'] } }, undefined, {
      timeout: 60_000,
    })) as CallToolResult;
    const [report] = (result.structuredContent as { reports: Report[] }).reports;
    const ran = report!.checks.filter((check) => check.status !== 'skipped').map((check) => check.id);
    expect(ran.sort()).toEqual(['dmarc', 'spf']);
  }, 90_000);

  it('serves spf: the tree without ip, check_host() with it', async () => {
    const tree = (await client.callTool({ name: 'spf', arguments: { domain: 'good.example' } })) as CallToolResult;
    expect(tree.isError).toBeFalsy();
    expect(tree.structuredContent).toMatchObject({ domain: 'good.example', status: 'pass', record: 'v=spf1 mx -all', lookups: 1 });
    expect(texts(tree)[0]).toMatch(/^good\.example: SPF pass; record: v=spf1 mx -all; DNS lookups: 1 of 10; no findings$/);

    const pass = (await client.callTool({ name: 'spf', arguments: { domain: 'bounce@good.example', ip: '192.0.2.10' } })) as CallToolResult;
    expect(pass.structuredContent).toMatchObject({ result: 'pass', sender: 'bounce@good.example', ip: '192.0.2.10' });
    expect(texts(pass)[0]).toMatch(/^check_host\(192\.0\.2\.10, good\.example, bounce@good\.example\) = pass; matched mx/);

    const fail = (await client.callTool({ name: 'spf', arguments: { domain: 'good.example', ip: '203.0.113.9' } })) as CallToolResult;
    expect(fail.structuredContent).toMatchObject({ result: 'fail' });
  }, 60_000);

  it('serves message: the bundled message audited as a receiver sees it', async () => {
    const source = readFileSync(path.join(ROOT, 'fixtures', 'demo-message.eml'), 'utf8');
    const result = (await client.callTool({ name: 'message', arguments: { message: source } }, undefined, { timeout: 60_000 })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const json = result.structuredContent as { kind: string; authentication: { dkim: Array<{ result: string }> }; findings: Array<{ id: string }> };
    expect(json.kind).toBe('message');
    expect(json.authentication.dkim.map((signature) => signature.result)).toEqual(['pass']);
    expect(json.findings.map((finding) => finding.id)).toContain('message/spf-fail');
    expect(texts(result)[0]).toMatch(/^message: score \d+\/100 \([A-F+]+\); SPF fail, DKIM pass, DMARC pass, ARC none; findings: .*message\/spf-fail \(high\)/);
    const notMessage = (await client.callTool({ name: 'message', arguments: { message: 'not a message' } })) as CallToolResult;
    expect(notMessage.isError).toBe(true);
  }, 90_000);

  it('serves reports and bounces on files of this machine', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-mcp-'));
    try {
      const rows = [{ ip: '192.0.2.10', count: 10, dkim: 'pass', spf: 'pass' }, { ip: '203.0.113.9', count: 3, dkim: 'fail', spf: 'fail' }];
      writeFileSync(path.join(folder, 'a.xml'), rfc7489Xml({ rows: rows as never, reportId: 'mcp-a' }));
      const reports = (await client.callTool({ name: 'reports', arguments: { paths: [folder] } }, undefined, { timeout: 60_000 })) as CallToolResult;
      expect(reports.isError).toBeFalsy();
      const reportsJson = JSON.parse(texts(reports)[1]!) as { reports: { read: number }; domains: Array<{ domain: string; messages: number }> };
      expect(reportsJson.reports.read).toBe(1);
      expect(reportsJson.domains.map((domain) => [domain.domain, domain.messages])).toEqual([['example.test', 13]]);
      expect(texts(reports)[0]).toMatch(/^reports: 1 read, 0 failed; example\.test: 13 messages/);

      writeFileSync(path.join(folder, 'bounce.eml'), RFC3464_MIXED);
      const bounces = (await client.callTool({ name: 'bounces', arguments: { paths: [path.join(folder, 'bounce.eml')] } })) as CallToolResult;
      expect(bounces.isError).toBeFalsy();
      const bouncesJson = JSON.parse(texts(bounces)[1]!) as { bounces: Array<{ recipient: string; reason: string; hard: boolean }> };
      expect(bouncesJson.bounces.map((row) => [row.recipient, row.reason, row.hard])).toEqual([
        ['gone@receiver.example', 'userunknown', true],
        ['full@receiver.example', 'mailboxfull', false],
        ['local@sender.example', 'mailboxfull', false],
      ]);
      const stdin = (await client.callTool({ name: 'bounces', arguments: { paths: ['-'] } })) as CallToolResult;
      expect(stdin.isError).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('answers bad input with an error result and goes on serving', async () => {
    const badDomain = (await client.callTool({ name: 'audit', arguments: { domains: ['not a domain'] } })) as CallToolResult;
    expect(badDomain.isError).toBe(true);
    const badIp = (await client.callTool({ name: 'spf', arguments: { domain: 'good.example', ip: '999.1.1.1' } })) as CallToolResult;
    expect(badIp.isError).toBe(true);
    // Arguments outside the schema: the SDK refuses them (as an error result or a protocol error).
    const outcome = await client.callTool({ name: 'audit', arguments: { domains: [] } }).then(
      (result) => (result as CallToolResult).isError === true,
      () => true,
    );
    expect(outcome).toBe(true);
    const again = (await client.callTool({ name: 'spf', arguments: { domain: 'good.example' } })) as CallToolResult;
    expect(again.isError).toBeFalsy();
  }, 60_000);
});

describe('mailcheck mcp: start-up', () => {
  it('keeps the start-up timeout: a resolver that never answers makes checks inconclusive, not missing', async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const server = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const quiet = await connect(['--resolver', server, '--timeout', '200', '--retries', '0', '--no-smtp']);
    try {
      const result = (await quiet.callTool({ name: 'audit', arguments: { domains: ['good.example'], checks: ['spf', 'dmarc'] } }, undefined, {
        timeout: 60_000,
      })) as CallToolResult;
      const [report] = (result.structuredContent as { reports: Report[] }).reports;
      expect(report!.dns.servers).toEqual([server]);
      expect(report!.checks.filter((check) => check.status !== 'skipped').map((check) => check.status)).toEqual(['error', 'error']);
      expect(report!.checks.flatMap((check) => check.findings)).toEqual([]);
      expect(texts(result)[0]).toMatch(/^good\.example: nothing could be verified; no findings; could not conclude: spf, dmarc$/);
    } finally {
      await quiet.close();
      silent.close();
    }
  }, 90_000);

  it('refuses options that do not apply, in one line, exit code 2', async () => {
    const { code, stdout, stderr } = await runCli(['mcp', '--format', 'json', '--fail-on', 'low']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('mailcheck: --format and --fail-on do not apply to mailcheck mcp. Run "mailcheck mcp --help" for its options.\n');
  });

  it('ends with exit code 0 when stdin closes', async () => {
    const { code, stdout } = await runCli(['mcp', '--no-smtp']);
    expect(code).toBe(0);
    expect(stdout).toBe('');
  });
});
