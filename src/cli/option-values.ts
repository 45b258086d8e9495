/**
 * How the audit's option values are read: each reader takes what commander
 * gives (a string, or a list of strings) and returns the typed value or a
 * Problem, whose message is the one line a user sees. The zod schema of
 * src/cli/options.ts is built from these readers, and so is the quick path
 * that reads a common command line without building it (`readCommonOptions`):
 * src/cli/common-options.ts declares each common option once, with both.
 */
import { isIp as isIP } from '../is-ip.js';
import { parseDomain } from '../domain.js';
import { SEVERITIES } from '../severity.js';
import { FORMAT_NAMES, type FormatName } from '../report/formats.js';
import { parseOutputSpecs, type OutputSpecs } from './output-specs.js';

/** An option value that cannot be used: `message` says what is wrong and how to fix it. */
export interface Problem {
  readonly problem: string;
}

const problem = (message: string): Problem => ({ problem: message });

/** True for a reader's Problem (readers return strings, numbers, lists or output specs otherwise). */
export function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as Problem).problem === 'string';
}

/** Splits repeatable, comma-separated values, dropping empty items. */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(',')).map((item) => item.trim()).filter((item) => item !== '');
}

/** The options that take a whole number: flag, bounds, what it is and an example (for the message). */
export const WHOLE_NUMBER_OPTIONS = {
  timeout: ['--timeout', 1, 120_000, 'a number of milliseconds', 3000],
  retries: ['--retries', 0, 10, 'a whole number', 2],
  minScore: ['--min-score', 0, 100, 'a score', 80],
  smtpPort: ['--smtp-port', 1, 65535, 'a port', 2525],
  httpsPort: ['--https-port', 1, 65535, 'a port', 8443],
  probeTimeout: ['--probe-timeout', 1, 300_000, 'a number of milliseconds', 10000],
  concurrency: ['--concurrency', 1, 1024, 'a whole number', 16],
  rate: ['--rate', 0, 1_000_000, 'a number of queries per second (0: no limit)', 100],
} as const satisfies Record<string, readonly [flag: string, min: number, max: number, what: string, example: number]>;

/** A whole number option within bounds. */
export function readWholeNumber(option: keyof typeof WHOLE_NUMBER_OPTIONS): (text: string) => number | Problem {
  const [flag, min, max, what, example] = WHOLE_NUMBER_OPTIONS[option];
  return (text) => {
    const trimmed = text.trim();
    const value = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      return problem(`${flag} "${text}" is not ${what} from ${min} to ${max}. Use e.g. ${flag} ${example}`);
    }
    return value;
  };
}

export function readFormat(text: string): FormatName | Problem {
  const name = text.trim().toLowerCase();
  if (!(FORMAT_NAMES as string[]).includes(name)) return problem(`--format "${text}" is not a known format. Use one of: ${FORMAT_NAMES.join(', ')}`);
  return name as FormatName;
}

export function readFailOn(text: string): (typeof SEVERITIES)[number] | 'none' | Problem {
  const value = text.trim().toLowerCase();
  if (value !== 'none' && !(SEVERITIES as readonly string[]).includes(value)) {
    return problem(`--fail-on "${text}" is not a severity. Use one of: ${[...SEVERITIES, 'none'].join(', ')}`);
  }
  return value as (typeof SEVERITIES)[number] | 'none';
}

/** A plain file for the main format, and format=file pairs (src/cli/batch.ts). */
export function readOutput(values: string[]): OutputSpecs | Problem {
  try {
    return parseOutputSpecs(values);
  } catch (error) {
    return problem(error instanceof Error ? error.message : String(error));
  }
}

/** A list of check ids, each known to the registry. */
export function readCheckList(flag: string, checkIds: readonly string[]): (values: string[]) => string[] | Problem {
  return (values) => {
    const ids = splitList(values).map((id) => id.toLowerCase());
    for (const id of ids) {
      if (!checkIds.includes(id)) return problem(`${flag}: unknown check "${id}". Valid checks: ${checkIds.join(', ')}`);
    }
    if (ids.length === 0) return problem(`${flag} needs at least one check id. Use e.g. ${flag} spf,dmarc`);
    return [...new Set(ids)];
  };
}

/** A fully qualified domain name option (A-label out). */
export function readDomainName(flag: string): (text: string) => string | Problem {
  return (text) => {
    const parsed = parseDomain(text);
    return parsed.ok ? parsed.domain : problem(`${flag}: ${parsed.error.replace(/\.$/, '')}`);
  };
}

/** RFC 6376 §3.1: a selector is one or more DNS labels; RFC 1035 §2.3.4: labels of at most 63 octets. */
const SELECTOR = /^(?!.*\.\.)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/i;

export function readSelector(flag: string): (text: string) => string | Problem {
  return (text) => {
    const value = text.trim().toLowerCase();
    if (!SELECTOR.test(value)) return problem(`${flag} "${text}" is not a valid selector. Use DNS labels: letters, digits, hyphens, underscores, dots`);
    return value;
  };
}

export function readIpAddress(flag: string): (text: string) => string | Problem {
  return (text) => {
    const value = text.trim().replace(/^\[(.*)\]$/, '$1');
    if (!isIP(value)) return problem(`${flag} "${text}" is not an IPv4 or IPv6 address. Use e.g. ${flag} 192.0.2.10`);
    return value.toLowerCase();
  };
}

const validPort = (text: string) => Number(text) >= 1 && Number(text) <= 65535;

/** A DNS server: ip, ip:port, [v6]:port, bare v6, or an https:// URL (DNS over HTTPS). */
function resolverSpec(text: string): string | undefined {
  const value = text.trim();
  if (/^https:\/\/[^\s/]+/i.test(value)) return value;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value);
  if (bracketed) {
    if (!isIP(bracketed[1]!) || (bracketed[2] !== undefined && !validPort(bracketed[2]))) return undefined;
    return value;
  }
  if (isIP(value)) return value;
  const hostPort = /^([^:]+):(\d{1,5})$/.exec(value);
  if (hostPort && isIP(hostPort[1]!) === 4 && validPort(hostPort[2]!)) return value;
  return undefined;
}

/** One --resolver value. */
export function readResolver(text: string): string | Problem {
  const spec = resolverSpec(text);
  if (spec === undefined) {
    return problem(`--resolver "${text}" is not a DNS server address. Use ip, ip:port, [ipv6]:port or an https:// URL, e.g. --resolver 192.0.2.53:5353`);
  }
  return spec;
}
