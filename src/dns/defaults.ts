/** The resolver's defaults, apart so that the CLI's early round (src/cli/early-round.ts) uses them without loading the resolver. */

/** Default per-query timeout, ms. */
export const DEFAULT_TIMEOUT_MS = 2000;
/** Default retries per server after a timeout. */
export const DEFAULT_RETRIES = 1;
