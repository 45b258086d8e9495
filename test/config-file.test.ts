/**
 * The config file and the option conventions, without a server: parsing and
 * validation (every error names the file and the key), the lookup from the
 * working directory upwards, per-domain options of a --file line, formats
 * from -o's extension, comma-separated lists, and the completion scripts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { findConfigFile, parseConfig } from '../src/cli/config-file.js';
import Ajv2020 from 'ajv/dist/2020.js';
import { catalogueIds, configJsonSchema, formatFromFileName, resolveSettings, optionKinds, parseLineOptions } from '../src/cli/config.js';
import { parseAuditCliOptions } from '../src/cli/options.js';
import { parseDomainList } from '../src/cli/domain-list.js';
import { CHECK_IDS } from '../src/checks/index.js';
import { buildProgram } from '../src/cli/program.js';
import type { CliIo } from '../src/cli/io.js';
import { completionScript } from '../src/commands/completion.js';
import { ROOT } from './helpers/cli.js';

let dir: string;
let ids: Set<string>;
const kinds = optionKinds();
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-config-'));
  ids = await catalogueIds();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const parse = (value: unknown, file = '/repo/mailcheck.config.json') => parseConfig(JSON.stringify(value), file, kinds, ids);
const failure = (value: unknown) => {
  try {
    parse(value);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
};

describe('parseConfig', () => {
  it('maps option defaults to the command line raw form, paths relative to the file', () => {
    const config = parse({
      failOn: 'medium',
      minScore: 80,
      smtp: false,
      resolver: '192.0.2.53',
      checks: ['spf', 'dmarc'],
      zone: 'zones/example.com.zone',
      output: ['html=out/report.html'],
      file: '-',
      trustAnchor: ['anchors/root.ds'],
    });
    expect(config.defaults).toEqual({
      failOn: 'medium',
      minScore: '80',
      smtp: false,
      resolver: ['192.0.2.53'],
      checks: ['spf', 'dmarc'],
      zone: ['/repo/zones/example.com.zone'],
      output: ['html=/repo/out/report.html'],
      file: ['-'],
      trustAnchor: ['/repo/anchors/root.ds'],
    });
    expect(parseAuditCliOptions({ format: 'text', ...config.defaults }, CHECK_IDS)).toMatchObject({ failOn: 'medium', minScore: 80, smtp: false });
  });

  it('reads per-domain settings (A-label keys) and ignore rules', () => {
    const config = parse({
      domains: { 'Bücher.Example': { dkimSelectors: ['s1'], ips: ['192.0.2.10'], blocklists: ['bl.example'], parked: true, profiles: ['gmail'] } },
      ignore: [
        { id: 'bimi/missing', reason: 'no logo yet' },
        { id: 'dmarc/policy-none', domain: 'Example.COM.', reason: 'moving to quarantine', until: '2027-01-31' },
      ],
    });
    expect(config.domains.get('xn--bcher-kva.example')?.options).toEqual({
      dkimSelector: ['s1'],
      ip: ['192.0.2.10'],
      blocklist: ['bl.example'],
      parked: true,
      profile: ['gmail'],
    });
    expect(config.ignore).toEqual([
      { id: 'bimi/missing', reason: 'no logo yet', source: '/repo/mailcheck.config.json' },
      { id: 'dmarc/policy-none', domain: 'example.com', reason: 'moving to quarantine', until: '2027-01-31', source: '/repo/mailcheck.config.json' },
    ]);
  });

  it.each([
    [{ 'fail-on': 'high' }, /^\/repo\/mailcheck\.config\.json: unknown key "fail-on"\. Write it as "failOn"/],
    [{ colour: true }, /: unknown key "colour"\./],
    [{ timeout: true }, /: "timeout" must be a string or a number/],
    [{ smtp: 'no' }, /: "smtp" must be true or false/],
    [{ config: 'other.json' }, /: unknown key "config"/],
    [{ domains: { 'example.com': { ip: ['192.0.2.1'] } } }, /: unknown key "domains\["example\.com"\]\.ip"\. A domain's keys are dkimSelectors, ips/],
    [{ domains: { 'exa mple.com': {} } }, /: "domains" key "exa mple\.com": /],
    [{ domains: { 'a.example': { parked: 'yes' } } }, /: "domains\["a\.example"\]\.parked" must be a boolean/],
    [{ ignore: [{ id: 'dmarc/policy-none' }] }, /: "ignore\[0\]\.reason" is missing/],
    [{ ignore: [{ id: 'dmarc/no-such-thing', reason: 'r' }] }, /: "ignore\[0\]\.id" "dmarc\/no-such-thing" is not a finding id of any check/],
    [{ ignore: [{ id: 'not an id', reason: 'r' }] }, /: "ignore\[0\]\.id" is not a finding id/],
    [{ ignore: [{ id: 'bimi/missing', reason: 'r', until: '2026-02-30' }] }, /: "ignore\[0\]\.until" is not a day/],
    [{ ignore: [{ id: 'bimi/missing', reason: 'r', until: 'next year' }] }, /: "ignore\[0\]\.until" is not a day/],
    [{ ignore: [{ id: 'bimi/missing', reason: 'r', domain: 'http://x' }] }, /: "ignore\[0\]\.domain": /],
    [{ ignore: { id: 'bimi/missing' } }, /: "ignore" must be a list/],
    [[1, 2], /: must hold one JSON object/],
    [{ ignore: [{ id: 'bimi/missing', reason: 'fine\u001b[31m' }] }, /: "ignore\[0\]\.reason" must be printable text/],
    [{ 'x\u001b[2J': 1 }, /: unknown key "x\\u001b\[2J"\./],
  ])('refuses %j naming the file and the key', (value, message) => {
    const text = failure(value);
    expect(text).toMatch(message);
    expect(text).toMatch(/^\/repo\/mailcheck\.config\.json: /);
    expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('refuses text that is not JSON, naming the file', () => {
    expect(() => parseConfig('{"failOn": "high",', 'conf.json', kinds, ids)).toThrow(/^conf\.json: not valid JSON \(/);
  });
});

describe('findConfigFile', () => {
  it('finds the nearest file from the working directory upwards, either name', async () => {
    const root = path.join(dir, 'lookup');
    const deep = path.join(root, 'a', 'b', 'c');
    mkdirSync(deep, { recursive: true });
    expect(await findConfigFile(undefined, deep)).toBeUndefined();
    writeFileSync(path.join(root, 'mailcheck.config.json'), '{}');
    expect(await findConfigFile(undefined, deep)).toBe(path.join(root, 'mailcheck.config.json'));
    writeFileSync(path.join(root, 'a', '.mailcheckrc.json'), '{}');
    expect(await findConfigFile(undefined, deep)).toBe(path.join(root, 'a', '.mailcheckrc.json'));
    expect(await findConfigFile(false, deep)).toBeUndefined();
    expect(await findConfigFile('given.json', deep)).toBe('given.json');
    writeFileSync(path.join(root, 'a', 'mailcheck.config.json'), '{}');
    await expect(findConfigFile(undefined, deep)).rejects.toThrow(/^two config files in .*a: mailcheck\.config\.json and \.mailcheckrc\.json\. Keep one$/);
  });
});

describe('resolveSettings: command line over config file over built-in defaults', () => {
  const base = { format: 'text', failOn: 'high', smtp: true };
  const builtIn = { format: 'default', failOn: 'default', smtp: 'default' };

  it('fills what the command line did not give, and infers the format from -o', async () => {
    const root = path.join(dir, 'settings');
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'mailcheck.config.json'), JSON.stringify({ failOn: 'low', format: 'markdown', quiet: true, output: 'out/report.sarif' }));
    const fromFile = await resolveSettings(base, builtIn, CHECK_IDS, root);
    expect(fromFile.cli).toMatchObject({ failOn: 'low', quiet: true, format: 'sarif', output: { file: path.join(root, 'out', 'report.sarif'), pairs: [] } });
    const given = await resolveSettings({ ...base, failOn: 'critical', verbose: true, output: ['x.txt'] }, { ...builtIn, failOn: 'cli', verbose: 'cli', output: 'cli' }, CHECK_IDS, root);
    // -v on the command line drops the file's quiet; a .txt output keeps the file's format.
    expect(given.cli).toMatchObject({ failOn: 'critical', verbose: true, format: 'markdown', output: { file: 'x.txt' } });
    expect(given.cli.quiet).toBeUndefined();
    const forced = await resolveSettings({ ...base, format: 'json' }, { ...builtIn, format: 'cli' }, CHECK_IDS, root);
    expect(forced.cli.format).toBe('json');
    const none = await resolveSettings({ ...base, config: false }, builtIn, CHECK_IDS, root);
    expect(none.cli).toMatchObject({ failOn: 'high', format: 'text' });
    expect(none.config).toBeUndefined();
  });
});

describe('per-domain options on a --file line', () => {
  it('splits the line into the domain and its options', () => {
    expect(parseDomainList('a.example --dkim-selector s1,s2 --parked  # note\nb.example\n', 'list.txt')).toEqual([
      { value: 'a.example', source: 'list.txt:1', args: ['--dkim-selector', 's1,s2', '--parked'] },
      { value: 'b.example', source: 'list.txt:2' },
    ]);
  });

  it('parses them with the audit option declarations', () => {
    expect(parseLineOptions(['--dkim-selector', 's1', '--ip', '192.0.2.1,192.0.2.2', '--no-smtp', '--ignore', 'bimi/missing', '--parked'], 'l:1')).toEqual({
      dkimSelector: ['s1'],
      ip: ['192.0.2.1,192.0.2.2'],
      smtp: false,
      ignore: ['bimi/missing'],
      parked: true,
    });
  });

  it.each([
    [['--format', 'json'], /^l:3: --format applies to the whole run, not to one domain\./],
    [['--resolver', '192.0.2.53'], /^l:3: --resolver applies to the whole run/],
    [['--bogus'], /^l:3: unknown option '--bogus'/],
    [['extra.example'], /^l:3: too many arguments/],
    [['--dkim-selector'], /^l:3: option '--dkim-selector <s>' argument missing/],
  ])('refuses %j naming file:line', (args, message) => {
    expect(() => parseLineOptions(args, 'l:3')).toThrow(message);
  });
});

describe('conventions', () => {
  it('infers the format from the -o extension', () => {
    expect(
      ['r.json', 'r.ndjson', 'r.csv', 'r.md', 'r.html', 'r.sarif', 'r.xml', 'R.JSON', 'r.txt', 'report'].map(formatFromFileName),
    ).toEqual(['json', 'ndjson', 'csv', 'markdown', 'html', 'sarif', 'junit', 'json', undefined, undefined]);
  });

  it('takes comma-separated values for every repeatable option', () => {
    const cli = parseAuditCliOptions(
      {
        format: 'text',
        failOn: 'high',
        ip: ['192.0.2.1,2001:db8::1', '192.0.2.2'],
        resolver: ['127.0.0.1:5353,[::1]:5353'],
        blocklist: ['a.bl.example,b.bl.example'],
        noBlocklist: ['all'],
        ignore: ['bimi/missing,DMARC/Policy-None'],
        checks: ['spf,dmarc', 'mx'],
      },
      CHECK_IDS,
    );
    expect(cli.ip).toEqual(['192.0.2.1', '2001:db8::1', '192.0.2.2']);
    expect(cli.resolver).toEqual(['127.0.0.1:5353', '[::1]:5353']);
    expect(cli.blocklist).toEqual(['a.bl.example', 'b.bl.example']);
    expect(cli.ignore).toEqual(['bimi/missing', 'dmarc/policy-none']);
    expect(cli.checks).toEqual(['spf', 'dmarc', 'mx']);
    expect(() => parseAuditCliOptions({ format: 'text', failOn: 'high', ip: ['192.0.2.1,nope'] }, CHECK_IDS)).toThrow(/^--ip "nope" is not/);
    expect(() => parseAuditCliOptions({ format: 'text', failOn: 'high', noBlocklist: ['zen.spamhaus.org,x y'] }, CHECK_IDS)).toThrow(/^--no-blocklist: /);
  });
});

describe('completion scripts', () => {
  const io: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, env: {} };
  const program = (): Command => buildProgram(io, () => undefined);
  const visibleLongOptions = () =>
    [...program().options, ...program().commands.flatMap((command) => command.options)]
      .filter((option) => !(option as { hidden?: boolean }).hidden)
      .map((option) => option.long!)
      .filter(Boolean);

  it.each(['bash', 'zsh', 'fish'])('%s: completes every visible option, the commands and closed value sets', (shell) => {
    const script = completionScript(shell, program());
    for (const option of visibleLongOptions()) {
      const written = shell === 'fish' ? `-l ${option.slice(2)} ` : option;
      expect(script, option).toContain(written);
    }
    expect(script).not.toContain('--https-port');
    for (const word of ['spf', 'completion', 'help', 'sarif', 'mta-sts', 'critical']) expect(script).toContain(word);
  });

  it('refuses another shell', () => {
    expect(() => completionScript('tcsh', program())).toThrow(/^no completion for the shell "tcsh"\. Use one of: bash, zsh, fish$/);
  });
});

describe('the README examples', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('<!-- section:configuration -->'), readme.indexOf('<!-- /section:configuration -->'));
  const blocks = (language: string) => [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].filter((match) => match[1] === language).map((match) => match[2]!);

  it('the example config file is valid', () => {
    const [json] = blocks('json');
    const config = parseConfig(json!, 'mailcheck.config.json', kinds, ids);
    expect(config.ignore.map((rule) => rule.id)).toEqual(['bimi/missing', 'dmarc/policy-none']);
    expect([...config.domains.keys()]).toEqual(['example.com', 'example-parked.com', 'shop.example.com']);
    expect(parseAuditCliOptions({ format: 'text', failOn: 'high', ...config.defaults }, CHECK_IDS)).toMatchObject({ failOn: 'medium', minScore: 80, skip: ['blocklist'] });
  });

  it('the example config file is valid against schema/config.schema.json, which equals the generated schema', () => {
    const committed = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'config.schema.json'), 'utf8'));
    expect(committed, 'run `npm run schema`').toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
    const validate = new Ajv2020.default({ strict: true, allowUnionTypes: true, allErrors: true }).compile(committed);
    expect(validate(JSON.parse(blocks('json')[0]!)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ 'fail-on': 'high' })).toBe(false);
    expect(validate({ ignore: [{ id: 'bimi/missing' }] })).toBe(false);
  });

  it('the example domain list parses, every line with its options', () => {
    const [text] = blocks('text');
    const entries = parseDomainList(text!, 'domains.txt');
    expect(entries.map((entry) => entry.value)).toEqual(['example.com', 'example-parked.com', 'shop.example.com']);
    for (const entry of entries) expect(() => parseLineOptions(entry.args ?? [], entry.source)).not.toThrow();
  });
});
