/**
 * The registry's check ids in its order (src/checks/index.ts), listed here so
 * that --help, shell completion and the CLI's early round
 * (src/cli/early-round.ts) load no check. test/cli.test.ts keeps the two equal.
 */
export const CHECK_ID_LIST = ['mx', 'spf', 'dkim', 'dmarc', 'ptr', 'tls', 'mta-sts', 'tls-rpt', 'dnssec', 'dane', 'blocklist', 'bimi'] as const;

/** The check ids as --help lists them. */
export const HELP_CHECK_IDS = CHECK_ID_LIST.join(', ');
