/**
 * The audit command's options, declared on a commander command (flags and
 * help only: values stay strings; src/cli/options.ts validates them), and the
 * audit's help text. Loaded at start-up: it imports nothing heavy.
 */
import { Option, type Command } from 'commander';
import { PROFILE_IDS } from '../profiles/table.js';
import { FORMAT_NAMES } from '../report/formats.js';
import { HELP_CHECK_IDS } from './check-ids.js';

export { HELP_CHECK_IDS } from './check-ids.js';

/** The audit's help text after the options. */
export const AUDIT_EXAMPLES = `
Examples:
  $ mailcheck example.com
  $ mailcheck user@example.com --format json -o report.json
  $ mailcheck example.com example.org --fail-on medium --min-score 80
  $ mailcheck example.com --resolver 192.0.2.53 --resolver [2001:db8::53]:5353 -v
  $ mailcheck example.com --checks spf,dmarc,dkim --dkim-selector s1,s2
  $ mailcheck example.com --no-smtp --skip blocklist
  $ mailcheck example.com --ip 192.0.2.10
  $ mailcheck spf example.com --ip 192.0.2.10 --sender bounce@example.com
  $ mailcheck example.com --reports ~/dmarc-reports/
  $ mailcheck reports ~/dmarc-reports/ --domain example.com
  $ mailcheck --file domains.txt --format ndjson > reports.ndjson
  $ mailcheck example.com --format sarif -o mailcheck.sarif --output html=report.html
  $ mailcheck --file domains.txt --baseline last-night.json --fail-on-regression
  $ mailcheck example.com --zone example.com.zone --offline
  $ mailcheck example.com --resolver https://dns.example/dns-query --save-dns capture.json
  $ mailcheck example.com --profile gmail-bulk,yahoo-bulk --ip 192.0.2.10
  $ mailcheck old-brand.example --parked
  $ mailcheck --file domains.txt --ignore bimi/missing,dnssec/unsigned --quiet
  $ mailcheck completion bash > ~/.local/share/bash-completion/completions/mailcheck

Check ids: ${HELP_CHECK_IDS}.

Exit codes: 0 no finding at or above --fail-on and score >= --min-score;
  1 a threshold was breached; 2 usage or input error; 3 the audit is
  incomplete (a check could not conclude) and no threshold was breached;
  4 mailcheck itself failed (please report it).
`;

/** Appends a repeatable option's value. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * Declares every option of the audit command. Values stay strings here;
 * src/cli/options.ts validates and converts them.
 */
export function defineAuditOptions(command: Command): Command {
  // `--no-blocklist <zone>` takes a value: it is its own option (noBlocklist), not the negation of --blocklist.
  const noBlocklist = new Option('--no-blocklist <zone>', 'drop zones from the default blocklists, or all (comma-separated, repeatable)').argParser(
    collect,
  );
  noBlocklist.negate = false;
  return (
    command
      .optionsGroup('Output:')
      .option('--format <name>', `output format: ${FORMAT_NAMES.join(', ')}; when not given, -o's extension chooses it`, 'text')
      .option(
        '-o, --output <[format=]file>',
        'write the report to <file> instead of stdout (.json .ndjson .csv .md .html .sarif .xml choose the format); format=file writes that format to file as well (repeatable)',
        collect,
      )
      .option('-q, --quiet', 'print only one summary line per domain, and errors')
      .option('--color', 'colour the text report even when stdout is not a terminal')
      .option('--no-color', 'never colour (also: NO_COLOR=1)')
      .option('-v, --verbose', 'show evidence and facts, and the DNS transcript on stderr')
      .optionsGroup('DNS:')
      .option(
        '--resolver <ip[:port]|url>',
        'DNS servers to ask (comma-separated, repeatable); IPv6 as [::1]:5353; https://… for DNS over HTTPS (default: the system resolvers)',
        collect,
      )
      .option('--timeout <ms>', 'timeout of one DNS query, ms (default: 2000)')
      .option('--retries <n>', 'retries of a DNS query after a timeout (default: 1)')
      .option('--rate <qps>', 'queries per second to each DNS server, backing off when it refuses; 0: no limit (default: 200, none for 127.0.0.1/::1)')
      .optionsGroup('Checks and thresholds:')
      .option('--checks <ids>', 'run only these checks (comma-separated, repeatable)', collect)
      .option('--skip <ids>', 'do not run these checks (comma-separated, repeatable)', collect)
      .option('--fail-on <severity>', 'exit 1 on a finding at or above: critical, high, medium, low, info, none', 'high')
      .option('--min-score <0-100>', 'exit 1 when a score is below this')
      .optionsGroup('Check settings:')
      .option('--dkim-selector <s>', 'DKIM selector to probe besides the built-in list (comma-separated, repeatable)', collect)
      .option('--ip <addr>', 'sending IPs to evaluate for SPF, reverse DNS and blocklists (comma-separated, repeatable)', collect)
      .option('--reports <path>', 'DMARC reports (files or folders): probe the DKIM selectors they name, evaluate their sending IPs (repeatable)', collect)
      .option('--no-smtp', 'do not connect to port 25 (for networks that block it)')
      .option('--smtp-port <port>', 'port of the SMTP probe (default: 25)')
      .option('--helo-name <name>', 'name to send in EHLO (default: this host\'s name if fully qualified, else mailcheck.invalid)')
      .option('--blocklist <zone>', 'add blocklist zones to the default set (comma-separated, repeatable)', collect)
      .addOption(noBlocklist)
      .option('--spamhaus-key <key>', 'Spamhaus DQS key, to query Spamhaus through a public resolver')
      .option('--bimi-selector <s>', 'BIMI selector (default: default)')
      .option('--trust-anchor <file>', 'DNSSEC trust anchors besides the built-in root keys: DS or DNSKEY records in zone-file form (repeatable)', collect)
      .optionsGroup('Batches and CI:')
      .option('--file <path>', 'read domains or addresses from <path>, one per line, # comments; - reads stdin (repeatable)', collect)
      .option('--concurrency <n>', 'at most this many domains audited at the same time (default: 16)')
      .option('--shard <i/n>', 'audit only the i-th of n stable shares of the domains (by a hash of each domain), e.g. 1/4')
      .option('--baseline <report.json>', 'compare with an earlier --format json or ndjson run: new, resolved, unchanged findings')
      .option('--fail-on-regression', 'with --baseline: exit 1 only on new findings at or above --fail-on or a lower score')
      .optionsGroup('Zone previews and DNS captures:')
      .option('--zone <file>', 'answer the names this zone file (RFC 1035) defines from it, not from DNS (repeatable)', collect)
      .option('--offline', 'with --zone: answer only from the zone files (other names are unknown), network probes are skipped')
      .option('--save-dns <file>', 'write every DNS answer of the run to <file>')
      .option('--replay <file>', 'answer DNS from a --save-dns file, without any network')
      .optionsGroup('Mailbox providers:')
      .option('--profile <ids>', `judge these mailbox-provider profiles and exit 1 when one fails: ${PROFILE_IDS.join(', ')} or all (comma-separated, repeatable)`, collect)
      .option('--parked', 'the domain must be parked (sends and receives no mail): exit 1 with a finding for each missing piece')
      .optionsGroup('Configuration:')
      .option('--config <file>', 'read defaults, per-domain settings and ignore rules from <file> (default: mailcheck.config.json or .mailcheckrc.json here or above)')
      .option('--no-config', 'read no config file')
      .option('--ignore <ids>', 'accept these finding ids: kept in the report, left out of score, thresholds and fixes (comma-separated, repeatable)', collect)
      // Testing: hidden from --help.
      .optionsGroup('Testing:')
      .addOption(new Option('--https-port <port>', 'port for MTA-STS and BIMI HTTPS fetches (testing)').hideHelp())
      .addOption(new Option('--probe-timeout <ms>', 'timeout of SMTP and HTTPS connections (testing)').hideHelp())
      .addOption(new Option('--ca-file <file>', 'extra trusted CA certificates, PEM (testing; repeatable)').argParser(collect).hideHelp())
  );
}
