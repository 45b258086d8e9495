/**
 * `mailcheck message` as a user runs it: the built CLI against the fixture
 * DNS server: text and JSON output (valid against schema/message.schema.json),
 * stdin, exit codes and thresholds, bad input (one line on stderr, exit 2),
 * hostile header values escaped, and a 20 MB attachment in bounded memory.
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { loadFixture } from '../src/testing/fixture-server.js';
import { messageJsonSchema } from '../src/message/schema.js';
import { ROOT, runCli } from './helpers/cli.js';
import { useFixture } from './helpers/context.js';
import { baseHeaders, buildMessage, makeKeys, messageZone, sign } from './helpers/messages.js';

const SCHEMA_FILE = path.join(ROOT, 'schema', 'message.schema.json');
const DEMO_MESSAGE = path.join(ROOT, 'fixtures', 'demo-message.eml');
const keys = makeKeys();
const fixture = useFixture([loadFixture('demo-message'), messageZone(keys)]);
const TIMEOUT = 120_000;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-message-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dnsArgs = () => ['--resolver', fixture.server.server, '--timeout', '5000', '--retries', '1', '--no-blocklist', 'all'];
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
};

describe('schema/message.schema.json', () => {
  it('equals the schema generated from src/message/schema.ts (run `npm run schema` after changing it)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(`${JSON.stringify(messageJsonSchema(), null, 2)}\n`);
  });
});

describe('mailcheck message', () => {
  it('prints JSON valid against the schema, with the DNS finding and its fix behind the SPF failure', { timeout: TIMEOUT }, async () => {
    const result = await runCli(['message', DEMO_MESSAGE, ...dnsArgs(), '--format', 'json']);
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    const ajv = new Ajv2020.default({ strict: true, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.message).toMatchObject({ from: 'news@shop.example', mailFrom: 'bounces@shop.example', ip: '203.0.113.25', ipSource: 'received' });
    expect(json.authentication.spf).toMatchObject({ result: 'fail', domain: 'shop.example', ip: '203.0.113.25' });
    expect(json.authentication.dkim).toMatchObject([{ domain: 'shop.example', selector: 's2026', algorithm: 'rsa-sha256', bits: 2048, result: 'pass' }]);
    expect(json.authentication.dmarc).toMatchObject({ result: 'pass', policy: 'reject', disposition: 'none', alignment: { spf: 'none', dkim: 'pass' } });
    expect(json.findings.map((finding: { id: string }) => finding.id)).toEqual(['message/spf-fail', 'message/one-click-unsigned']);
    expect(json.findings[0].related).toEqual([{ domain: 'shop.example', checkId: 'spf', findingId: 'spf/ip-not-authorized' }]);
    expect(json.findings[0].fix.records).toEqual([
      { action: 'replace', name: 'shop.example', type: 'TXT', value: 'v=spf1 ip4:203.0.113.20 ip4:203.0.113.25 -all', current: 'v=spf1 ip4:203.0.113.20 -all' },
    ]);
  });

  it('--profile judges the chosen providers on the message, in the JSON and the text report', async () => {
    const result = await runCli(['message', DEMO_MESSAGE, ...dnsArgs(), '--format', 'json', '--profile', 'gmail-bulk,yahoo', '--fail-on', 'none']);
    const json = JSON.parse(result.stdout) as {
      requirements: Record<string, string>;
      profiles: Array<{ id: string; verdict: string; requirements: Array<{ id: string; status: string }> }>;
    };
    expect(json.profiles.map((profile) => profile.id)).toEqual(['gmail-bulk', 'yahoo']);
    const bulk = new Map(json.profiles[0]!.requirements.map((requirement) => [requirement.id, requirement.status]));
    // What the message shows decides; nothing asks for "a sample message" any more.
    expect(bulk.get('message-format')).toBe(json.requirements.format);
    expect(bulk.get('tls-sending')).toBe(json.requirements.tls);
    expect(bulk.get('from-aligned')).toBe(json.requirements.alignment);
    expect(bulk.get('spam-rate')).toBe('not-checkable');
    expect(result.code).toBe(json.profiles.some((profile) => profile.verdict === 'fail') ? 1 : 0);
    const text = await runCli(['message', DEMO_MESSAGE, ...dnsArgs(), '--profile', 'gmail-bulk', '--fail-on', 'none']);
    expect(text.stdout).toMatch(/\nMailbox providers\n {2}[✓✗?] Gmail \(bulk senders/);
  }, TIMEOUT);

  it('prints text; --fail-on critical passes it', { timeout: TIMEOUT }, async () => {
    const result = await runCli(['message', DEMO_MESSAGE, ...dnsArgs(), '--fail-on', 'critical']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('message/spf-fail');
    expect(result.stdout).toContain('spf/ip-not-authorized');
    expect(result.stdout).toContain('shop.example. 3600 IN TXT "v=spf1 ip4:203.0.113.20 ip4:203.0.113.25 -all"');
  });

  it('renders markdown and SARIF through the shared reporters', { timeout: TIMEOUT }, async () => {
    const markdown = await runCli(['message', DEMO_MESSAGE, ...dnsArgs(), '--format', 'markdown']);
    expect(markdown.code).toBe(1);
    expect(markdown.stdout).toContain('`message/spf-fail`');
    expect(markdown.stdout).toContain('shop.example. 3600 IN TXT "v=spf1 ip4:203.0.113.20 ip4:203.0.113.25 -all"');
    const sarif = await runCli(['message', DEMO_MESSAGE, ...dnsArgs(), '--format', 'sarif']);
    const log = JSON.parse(sarif.stdout);
    expect(log.runs[0].results.map((result: { ruleId: string }) => result.ruleId)).toEqual(['message/spf-fail', 'message/one-click-unsigned']);
  });

  it('reads the message from stdin with -, in LF form, and takes --ip and --mail-from', { timeout: TIMEOUT }, async () => {
    const message = (await sign(buildMessage(), { domain: 'example.test', selector: 's1', key: keys.main })).replace(/\r\n/g, '\n');
    const result = await runCli(['message', '-', ...dnsArgs(), '--ip', '192.0.2.10', '--mail-from', 'bounce@example.test', '--format', 'json'], { input: message });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.input).toBe('-');
    expect(json.message).toMatchObject({ lineEndings: 'lf', ipSource: 'option', mailFromSource: 'option' });
    expect(json.authentication.dkim[0].result).toBe('pass');
    expect(json.authentication.dmarc.result).toBe('pass');
    expect(json.findings).toEqual([]);
  });

  it('a key lookup that fails is temperror and exit 3 (incomplete), never a failure', { timeout: TIMEOUT }, async () => {
    const file = write('down.eml', await sign(buildMessage(), { domain: 'example.test', selector: 'down', key: keys.main }));
    const result = await runCli(['message', file, ...dnsArgs(), '--format', 'json']);
    expect(result.code).toBe(3);
    const json = JSON.parse(result.stdout);
    expect(json.authentication.dkim[0]).toMatchObject({ selector: 'down', result: 'temperror' });
    // SPF passes aligned: DMARC still passes; the score says the audit is incomplete.
    expect(json.authentication.dmarc.result).toBe('pass');
    expect(json.score.complete).toBe(false);
    expect(json.findings.map((finding: { id: string }) => finding.id)).not.toContain('message/dkim-fail');
  });

  it('--save-dns writes the answers, and --replay audits the message again from them without a resolver', { timeout: TIMEOUT }, async () => {
    const capture = path.join(dir, 'capture.json');
    const first = await runCli(['message', DEMO_MESSAGE, ...dnsArgs(), '--save-dns', capture, '--format', 'json']);
    const replayed = await runCli(['message', DEMO_MESSAGE, '--replay', capture, '--no-blocklist', 'all', '--format', 'json']);
    expect(replayed.code).toBe(first.code);
    const [a, b] = [JSON.parse(first.stdout), JSON.parse(replayed.stdout)];
    expect(b.dns.servers).toEqual(['replay']);
    expect(b.authentication).toEqual(a.authentication);
    expect(b.findings).toEqual(a.findings);
  });

  it('8-bit and base64 bodies verify', { timeout: TIMEOUT }, async () => {
    const eightBit = buildMessage({ headers: baseHeaders({ 'Content-Transfer-Encoding': '8bit' }), body: 'Grüße aus Zürich – 20 % Rabatt.\r\nhttps://example.test/unsubscribe?u=1\r\n' });
    const base64 = buildMessage({
      headers: baseHeaders({ 'Content-Transfer-Encoding': 'base64' }),
      body: `${Buffer.from('Hello in base64.\r\nUnsubscribe: https://example.test/unsubscribe?u=1\r\n').toString('base64')}\r\n`,
    });
    for (const message of [eightBit, base64]) {
      const file = write('body.eml', await sign(message, { domain: 'example.test', selector: 's1', key: keys.main }));
      const result = await runCli(['message', file, ...dnsArgs(), '--format', 'json']);
      const json = JSON.parse(result.stdout);
      expect(json.authentication.dkim[0].result).toBe('pass');
      expect(json.findings).toEqual([]);
    }
  });

  it('escapes control characters from the message in the text report', { timeout: TIMEOUT }, async () => {
    const file = write('hostile.eml', buildMessage({ headers: baseHeaders({ Subject: 'Hi\x1b[2J\x1b]0;owned\x07 there', 'Message-ID': '<a\x1b[31m@b>' }) }));
    const result = await runCli(['message', file, ...dnsArgs()]);
    expect(result.stdout).not.toContain('\x1b');
    expect(result.stdout).not.toContain('\x07');
    expect(result.stdout).toContain('Hi\\u{1b}[2J\\u{1b}]0;owned\\u{7} there');
  });

  it('a header line over 998 octets is a finding, not an input error', { timeout: TIMEOUT }, async () => {
    const file = write('long.eml', buildMessage({ headers: baseHeaders({ 'X-Long': 'x'.repeat(1200) }) }));
    const result = await runCli(['message', file, ...dnsArgs(), '--format', 'json', '--fail-on', 'medium']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).findings.map((finding: { id: string }) => finding.id)).toContain('message/line-too-long');
  });

  it.each([
    ['a missing file', () => path.join(dir, 'nope.eml'), /^mailcheck: cannot read ".*nope\.eml": no such file\. Check the path\.\n$/],
    ['an empty file', () => write('empty.eml', ''), /^mailcheck: ".*empty\.eml" is empty\. /],
    ['a binary file', () => write('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])), /is a binary file, not an RFC 5322 message/],
    ['text that is not a message', () => write('letter.txt', 'Dear friend,\n\nhello.\n'), /is not an RFC 5322 message: it does not start with a header field/],
    ['a directory', () => dir, /it is a directory/],
  ])('refuses %s: one line on stderr, exit 2', { timeout: TIMEOUT }, async (_name, file, message) => {
    const result = await runCli(['message', file(), ...dnsArgs()]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n')).toHaveLength(2);
  });

  it('refuses a 100 MB file without reading it all', { timeout: TIMEOUT }, async () => {
    const file = path.join(dir, 'huge.eml');
    closeSync(openSync(file, 'w'));
    truncateSync(file, 100 * 1024 * 1024);
    const result = await runCli(['message', file, ...dnsArgs()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^mailcheck: ".*huge\.eml" is larger than 48 MiB\. .*\n$/);
    rmSync(file);
  });

  it('refuses options that do not apply and formats it does not print', { timeout: TIMEOUT }, async () => {
    const checks = await runCli(['message', DEMO_MESSAGE, '--checks', 'spf']);
    expect(checks.code).toBe(2);
    expect(checks.stderr).toBe('mailcheck: --checks does not apply to mailcheck message. Run "mailcheck message --help" for its options.\n');
    const format = await runCli(['message', DEMO_MESSAGE, '--format', 'nope']);
    expect(format.code).toBe(2);
    const ip = await runCli(['message', DEMO_MESSAGE, '--ip', 'not-an-ip']);
    expect(ip.code).toBe(2);
    const missing = await runCli(['message']);
    expect(missing.code).toBe(2);
  });

  it('audits a message with a 20 MB attachment in a process limited to 256 MB of heap', { timeout: TIMEOUT }, async () => {
    const attachment = Buffer.alloc(20 * 1024 * 1024, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
    const body = [
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'See the attached file. Unsubscribe: https://example.test/unsubscribe?u=1',
      '--b1',
      'Content-Type: application/octet-stream; name="data.bin"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="data.bin"',
      '',
      attachment,
      '--b1--',
      '',
    ].join('\r\n');
    const message = buildMessage({ headers: baseHeaders({ 'Content-Type': 'multipart/mixed; boundary="b1"' }), body });
    const file = write('big.eml', await sign(message, { domain: 'example.test', selector: 's1', key: keys.main }));
    const result = await runCli(['message', file, ...dnsArgs(), '--format', 'json'], { nodeArgs: ['--max-old-space-size=256'] });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.message.bytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(json.authentication.dkim[0].result).toBe('pass');
  });
});

describe('npm run demo', () => {
  it('ends with the audit of the bundled message, offline, and exits 0', { timeout: TIMEOUT }, async () => {
    const { runDemo } = await import('../src/cli/demo.js');
    let out = '';
    let err = '';
    const io = {
      stdout: { write: (chunk: string, cb?: () => void) => ((out += chunk), cb?.(), true), isTTY: false },
      stderr: { write: (chunk: string, cb?: () => void) => ((err += chunk), cb?.(), true), isTTY: false },
      env: {},
    };
    expect(await runDemo([], io)).toBe(0);
    expect(err).toMatch(/\$ mailcheck message \S*demo-message\.eml --resolver 127\.0\.0\.1:\d+/);
    expect(out).toContain('message/spf-fail');
    expect(out).toContain('spf/ip-not-authorized');
    expect(out).toContain('message/one-click-unsigned');
    expect(out).not.toContain('inconclusive');
  });
});
