/**
 * mta-sts: the MTA-STS record and policy (RFC 8461).
 *
 * Reads the TXT record at `_mta-sts.<domain>` (§3.1), fetches
 * `https://mta-sts.<domain>/.well-known/mta-sts.txt` through mailcheck's
 * resolver with a certificate valid for that host, no redirects, a 64 KiB
 * cap and a timeout (§3.3), parses the policy (§3.2) and matches every MX
 * host against its `mx` patterns (§4.1). Fixes carry the TXT record and the
 * full policy file, generated from the domain's MX hosts.
 */
import { defineCheck } from './define.js';
import { NO_MAIL_SKIP, getMxHosts, getMxList } from '../lookups/mx-hosts.js';
import type { CheckContext } from '../context.js';
import { isDnsFailure } from '../dns/types.js';
import type { Finding, Fix } from '../report/schema.js';
import { looksLikeStsRecord, parseStsRecord, stsRecordValue } from '../mta-sts/record.js';
import {
  coveringPattern,
  parseStsPolicy,
  policyId,
  policyText,
  POLICY_MAX_BYTES,
  RECOMMENDED_MAX_AGE,
  SHORT_MAX_AGE,
  type StsMode,
  type StsPolicy,
} from '../mta-sts/policy.js';

/** DNS outcomes that say nothing about whether the policy host exists. */
const DNS_FAILURES: ReadonlySet<string> = new Set(['servfail', 'refused', 'timeout']);

/**
 * Where the policy stands, so that a fix's notes address what actually went
 * wrong: nothing published yet, the policy host without an address, no
 * connection, a certificate failure, an HTTP status, an HTTP failure, bad
 * content, or a policy that was served fine and only needs new content.
 */
export type PolicySituation =
  | { kind: 'setup' }
  | { kind: 'no-address'; detail: string }
  | { kind: 'connect'; detail: string }
  | { kind: 'timeout'; detail: string }
  | { kind: 'tls'; detail: string }
  | { kind: 'http-status'; status: number; location?: string }
  | { kind: 'http-error'; detail: string }
  | { kind: 'content'; errors: string[] }
  | { kind: 'served' };

/** The address placeholder of the policy host's A record (no address published). */
const ADDRESS_PLACEHOLDER = 'POLICY-SERVER-IPV4';

/** What to do about the policy file, for the situation observed (RFC 8461 §3.3). */
function servingNote(situation: PolicySituation, policyUrl: string, policyHost: string): string {
  const serve = `Serve the file at ${policyUrl} with Content-Type text/plain, a certificate valid for ${policyHost}, and no redirect (RFC 8461 §3.3)`;
  switch (situation.kind) {
    case 'setup':
      return `${serve}; ${policyHost} needs an A/AAAA record pointing at that HTTPS server.`;
    case 'no-address':
      return `${situation.detail}: publish an A record (and AAAA for IPv6, or a CNAME) pointing at the HTTPS server that serves the policy. ${serve}.`;
    case 'connect':
      return `${policyHost} has an address, but no HTTPS connection could be made (${situation.detail}): start the HTTPS server there, or let connections to it through the firewall. ${serve}.`;
    case 'timeout':
      return `The HTTPS server of ${policyHost} did not answer in time (${situation.detail}): make it answer promptly. ${serve}.`;
    case 'tls':
      return `The HTTPS server of ${policyHost} failed certificate validation (${situation.detail}): install a certificate from a publicly trusted CA whose subjectAltName lists ${policyHost}, with its intermediate chain. ${serve}.`;
    case 'http-status':
      return situation.status >= 300 && situation.status < 400
        ? `The server answered HTTP ${situation.status}${situation.location ? ` with a redirect to ${situation.location}` : ''}: senders do not follow redirects (RFC 8461 §3.3), so serve the file itself at ${policyUrl}, with Content-Type text/plain.`
        : `The server answered HTTP ${situation.status}: have it answer 200 with the file below at ${policyUrl}, with Content-Type text/plain.`;
    case 'http-error':
      return `The HTTPS request failed (${situation.detail}): have the server answer 200 with the file below. ${serve}.`;
    case 'content':
      return `The file served at ${policyUrl} is not a valid policy (${situation.errors.length} problem${situation.errors.length === 1 ? '' : 's'}, listed in the evidence): replace it with the content below, served with Content-Type text/plain.`;
    case 'served':
      return `Replace the file at ${policyUrl} with the content below (Content-Type text/plain).`;
  }
}

export const mtaStsCheck = defineCheck({
  id: 'mta-sts',
  title: 'MTA-STS',
  record: { prefix: '_mta-sts.', type: 'TXT' },
  description:
    'The domain publishes an MTA-STS record (RFC 8461 §3.1) and a valid policy over HTTPS (§3.2, §3.3) that covers every MX host (§4.1), in enforce mode with a useful max_age.',
  findings: {
    'mta-sts/missing': {
      severity: 'low',
      title: 'No MTA-STS policy in effect',
      description:
        'No `_mta-sts` TXT record is published (or the policy says mode: none), so senders cannot learn that the domain requires TLS with valid certificates: an attacker on the path can strip STARTTLS and read or redirect mail.',
    },
    'mta-sts/invalid-record': {
      severity: 'medium',
      title: 'MTA-STS record invalid',
      description:
        'The `_mta-sts` TXT record does not follow RFC 8461 §3.1 (`v=STSv1; id=<1-32 letters and digits>`), or several such records are published: senders then act as if the domain had no MTA-STS.',
    },
    'mta-sts/policy-unreachable': {
      severity: 'high',
      title: 'MTA-STS policy cannot be fetched',
      description:
        'The TXT record announces a policy, but `https://mta-sts.<domain>/.well-known/mta-sts.txt` does not answer 200 over HTTPS with a certificate valid for that host, without redirects (RFC 8461 §3.3). Senders cannot apply the policy.',
    },
    'mta-sts/invalid-policy': {
      severity: 'high',
      title: 'MTA-STS policy invalid',
      description:
        'The policy file does not parse under RFC 8461 §3.2 (version, mode, max_age, mx), is not served as text/plain, or exceeds 64 KiB. Senders discard it.',
    },
    'mta-sts/mx-not-covered': {
      severity: 'high',
      title: 'MX host not covered by the MTA-STS policy',
      description:
        'An MX host matches none of the policy\'s mx patterns (RFC 8461 §4.1; a wildcard covers exactly one label). In enforce mode senders refuse to deliver to it (high); in testing mode they report failures (medium).',
    },
    'mta-sts/testing-mode': {
      severity: 'low',
      title: 'MTA-STS policy in testing mode',
      description: 'The policy is in mode testing: senders report failures but still deliver without TLS protection (RFC 8461 §5).',
    },
    'mta-sts/short-max-age': {
      severity: 'low',
      title: 'MTA-STS max_age under one day',
      description:
        'The policy\'s max_age is below 86400 seconds: senders forget it quickly, which leaves the first connection after expiry open to downgrade (RFC 8461 §10.1). Weeks are usual.',
    },
  },

  async run(ctx, emit) {
    const recordName = `_mta-sts.${ctx.domain}`;
    const policyHost = `mta-sts.${ctx.domain}`;
    const policyUrl = `https://${policyHost}/.well-known/mta-sts.txt`;
    // The MX host names are enough here (their addresses are not needed).
    const [mx, txt] = await Promise.all([getMxList(ctx), ctx.dns.query(recordName, 'TXT')]);

    const facts: Record<string, unknown> = { recordName, policyUrl };
    if (isDnsFailure(txt)) return { findings: [], facts, inconclusive: `TXT lookup for ${recordName} failed (${txt.status})` };
    if (isDnsFailure(mx.answer)) return { findings: [], facts, inconclusive: `MX lookup for ${ctx.domain} failed (${mx.answer.status})` };
    if (mx.nullMx) return { findings: [], facts, skipped: NO_MAIL_SKIP.nullMx };
    if (mx.records.length === 0) return { findings: [], facts, skipped: NO_MAIL_SKIP.noMx };

    const mxHosts = [...new Set(mx.records.map((record) => record.exchange))];
    facts.mxHosts = mxHosts;
    // The names a proposed policy lists: every MX exchange, and for an alias also the
    // canonical host its CNAME ends at. The mx check proposes pointing an aliased MX at
    // that host (RFC 2181 §10.3), and senders match the MX record's name against the
    // policy (RFC 8461 §4.1): listing both keeps the policy valid before and after.
    // Their addresses are resolved by the mx check anyway; asked now, the policy fetch below
    // does not wait for them (only a fix built before the fetch does).
    const policyHostsPromise = namesForPolicy(ctx, mxHosts);
    policyHostsPromise.catch(() => undefined);
    let policyHosts = mxHosts;
    const texts = txt.status === 'ok' ? txt.records.map((strings) => strings.join('')) : [];
    // RFC 8461 §3.1: records that do not begin with "v=STSv1" are discarded.
    const candidates = texts.filter(looksLikeStsRecord);
    const parsed = candidates.map(parseStsRecord);
    facts.records = candidates.map((text, index) => ({ value: text, id: parsed[index]!.id ?? null, errors: parsed[index]!.errors }));

    const findings: Finding[] = [];
    const fixFor = (mode: StsMode, maxAge: number, summary: string, currentRecord: string | undefined, situation: PolicySituation): Fix => {
      const content = policyText(mode, policyHosts, maxAge);
      const value = stsRecordValue(policyId(content));
      const noAddress = situation.kind === 'no-address';
      return {
        summary,
        records: [
          currentRecord === undefined
            ? { action: 'add', name: recordName, type: 'TXT', value }
            : { action: 'replace', name: recordName, type: 'TXT', value, current: currentRecord },
          // Only when the policy host was seen to have no address.
          ...(noAddress ? [{ action: 'add' as const, name: policyHost, type: 'A', value: `<${ADDRESS_PLACEHOLDER}>` }] : []),
        ],
        files: [{ url: policyUrl, content }],
        ...(noAddress ? { placeholders: { [ADDRESS_PLACEHOLDER]: `the IPv4 address of the HTTPS server that serves ${policyUrl}` } } : {}),
        notes: [
          servingNote(situation, policyUrl, policyHost),
          'Change the id in the TXT record whenever the policy file changes (RFC 8461 §3.1).',
          ...(mode === 'enforce'
            ? ['Only enforce once every MX host passes the tls check (STARTTLS, trusted certificate matching its name); otherwise senders will refuse to deliver.']
            : ['Move to mode: enforce (and a new id) once TLS-RPT reports show no failures.']),
        ],
      };
    };

    if (candidates.length === 0) {
      policyHosts = await policyHostsPromise;
      findings.push(
        emit('mta-sts/missing', {
          message: `No MTA-STS record at ${recordName}${texts.length > 0 ? ` (${texts.length} other TXT record(s) there)` : ''}`,
          evidence: texts,
          fix: fixFor('testing', RECOMMENDED_MAX_AGE, 'Publish an MTA-STS record and policy (mode testing to start)', undefined, { kind: 'setup' }),
        }),
      );
      return { findings, facts };
    }

    // RFC 8461 §3.3: HTTPS GET, certificate valid for the mta-sts host, no redirects, bounded size and time.
    // Started here, so that it runs beside the lookups the proposed policy needs.
    const fetching = ctx.options.offline ? undefined : ctx.net.fetchHttps(policyUrl, { maxBytes: POLICY_MAX_BYTES });
    fetching?.catch(() => undefined);
    policyHosts = await policyHostsPromise;

    // The record a policy fix replaces (with several records, the invalid-record fix removes the rest).
    const current = candidates[0];
    if (candidates.length > 1 || parsed[0]!.errors.length > 0) {
      const evidence =
        candidates.length > 1
          ? candidates.map((text) => `${recordName} TXT "${text}"`)
          : [`${recordName} TXT "${candidates[0]}"`, ...parsed[0]!.errors];
      // Keep a valid id of the user's where there is one; the policy decides the rest below.
      const repairedId = parsed.find((record) => record.id !== undefined)?.id ?? policyId(policyText('testing', policyHosts, RECOMMENDED_MAX_AGE));
      const fix: Fix = {
        summary: candidates.length > 1 ? `Keep a single MTA-STS record at ${recordName}` : `Correct the MTA-STS record at ${recordName}`,
        records: [
          ...(candidates.length > 1
            ? candidates.map((text) => ({ action: 'remove' as const, name: recordName, type: 'TXT', value: text, current: text }))
            : []),
          candidates.length > 1
            ? { action: 'add' as const, name: recordName, type: 'TXT', value: stsRecordValue(repairedId) }
            : { action: 'replace' as const, name: recordName, type: 'TXT', value: stsRecordValue(repairedId), current: candidates[0]! },
        ],
      };
      findings.push(
        emit('mta-sts/invalid-record', {
          message:
            candidates.length > 1
              ? `${candidates.length} MTA-STS records at ${recordName}: senders use none of them (RFC 8461 §3.1)`
              : `The MTA-STS record at ${recordName} is invalid: ${parsed[0]!.errors.join('; ')}`,
          evidence,
          fix,
        }),
      );
    }

    if (!fetching) {
      facts.policy = { fetched: false, reason: 'offline' };
      return { findings, facts };
    }

    const response = await fetching;
    const policyFacts: Record<string, unknown> = { fetch: response.status };
    facts.policy = policyFacts;
    if (response.status === 'dns-error' && DNS_FAILURES.has(response.dnsStatus)) {
      policyFacts.error = response.message;
      return { findings, facts, inconclusive: `address lookup for ${policyHost} failed: ${response.message}` };
    }
    const unreachable = (detail: string, evidence: string[], situation: PolicySituation, summary: string) => {
      policyFacts.failure = situation.kind;
      findings.push(
        emit('mta-sts/policy-unreachable', {
          message: `The MTA-STS policy at ${policyUrl} cannot be fetched: ${detail}`,
          evidence,
          fix: fixFor('testing', RECOMMENDED_MAX_AGE, summary, current, situation),
        }),
      );
      return { findings, facts };
    };
    if (response.status !== 'ok') {
      policyFacts.error = response.message;
      const evidence = [`${response.status}: ${response.message}`];
      switch (response.status) {
        case 'dns-error':
          return unreachable(response.message, evidence, { kind: 'no-address', detail: response.message }, `Publish an address for ${policyHost} and serve the MTA-STS policy at ${policyUrl}`);
        case 'connect-error':
          return unreachable(response.message, evidence, { kind: 'connect', detail: response.message }, `Make the HTTPS server of ${policyHost} reachable and serve the MTA-STS policy at ${policyUrl}`);
        case 'timeout':
          return unreachable(response.message, evidence, { kind: 'timeout', detail: response.message }, `Make the HTTPS server of ${policyHost} answer and serve the MTA-STS policy at ${policyUrl}`);
        case 'tls-error': {
          // Only the certificate is wrong: the policy behind it may well be in force (enforce,
          // say), so the fix is the certificate alone. Never a new policy or id, which could
          // weaken what is published (RFC 8461 §3.3: the host needs a valid certificate).
          policyFacts.failure = 'tls';
          findings.push(
            emit('mta-sts/policy-unreachable', {
              message: `The MTA-STS policy at ${policyUrl} cannot be fetched: ${response.message}`,
              evidence,
              fix: {
                summary: `Install a certificate valid for ${policyHost} on its HTTPS server`,
                notes: [servingNote({ kind: 'tls', detail: response.message }, policyUrl, policyHost), 'Keep the published TXT record and policy as they are: only the certificate changes.'],
              },
            }),
          );
          return { findings, facts };
        }
        case 'http-error':
          return unreachable(response.message, evidence, { kind: 'http-error', detail: response.message }, `Serve the MTA-STS policy at ${policyUrl}`);
      }
    }
    const contentType = response.headers['content-type'] ?? '';
    Object.assign(policyFacts, { httpStatus: response.httpStatus, address: response.address, contentType, bytes: response.body.length });
    if (response.httpStatus !== 200) {
      // RFC 8461 §3.3: only a 200 is a policy; redirects (3xx) must not be followed.
      const location = response.headers.location;
      const redirect = response.httpStatus >= 300 && response.httpStatus < 400;
      return unreachable(
        redirect
          ? `HTTP ${response.httpStatus} redirect${location ? ` to ${location}` : ''} (senders do not follow redirects)`
          : `HTTP ${response.httpStatus}`,
        [`HTTP ${response.httpStatus}${location ? ` Location: ${location}` : ''}`],
        { kind: 'http-status', status: response.httpStatus, ...(location ? { location } : {}) },
        redirect ? `Serve the MTA-STS policy at ${policyUrl} itself, without a redirect` : `Serve the MTA-STS policy at ${policyUrl} (it answers HTTP ${response.httpStatus})`,
      );
    }

    const text = response.body.toString('utf8');
    policyFacts.text = text.slice(0, 4096);
    const policy: StsPolicy = parseStsPolicy(text);
    const policyErrors = [...policy.errors];
    // RFC 8461 §3.2: the media type must be text/plain (parameters such as charset are ignored).
    if (contentType.split(';')[0]!.trim().toLowerCase() !== 'text/plain') policyErrors.unshift(`served as "${contentType || 'no Content-Type'}", not text/plain`);
    if (response.truncated) policyErrors.unshift(`larger than ${POLICY_MAX_BYTES} bytes`);
    policyFacts.parsed = { version: policy.version ?? null, mode: policy.mode ?? null, maxAge: policy.maxAge ?? null, mx: policy.mx, errors: policyErrors };

    const mode: StsMode = policy.mode ?? 'testing';
    const maxAge = policy.maxAge !== undefined && policy.maxAge >= SHORT_MAX_AGE ? policy.maxAge : RECOMMENDED_MAX_AGE;
    if (policyErrors.length > 0) {
      policyFacts.failure = 'content';
      findings.push(
        emit('mta-sts/invalid-policy', {
          message: `The MTA-STS policy at ${policyUrl} is invalid: ${policyErrors.join('; ')}`,
          evidence: [...policyErrors, ...text.split('\n').slice(0, 20).map((line) => line.replace(/\r$/, ''))],
          fix: fixFor(mode, maxAge, `Replace the MTA-STS policy at ${policyUrl} with a valid one`, current, { kind: 'content', errors: policyErrors }),
        }),
      );
      return { findings, facts };
    }

    if (policy.mode === 'none') {
      findings.push(
        emit('mta-sts/missing', {
          message: `The MTA-STS policy at ${policyUrl} has mode none: MTA-STS is switched off`,
          evidence: [`mode: none`],
          fix: fixFor('testing', maxAge, 'Switch the MTA-STS policy to mode testing, then enforce', current, { kind: 'served' }),
        }),
      );
      return { findings, facts };
    }

    // RFC 8461 §4.1: every MX host must match a pattern (a wildcard covers exactly one label).
    const coverage = mxHosts.map((host) => ({ host, pattern: coveringPattern(policy.mx, host) ?? null }));
    facts.coverage = coverage;
    const uncovered = coverage.filter((entry) => entry.pattern === null).map((entry) => entry.host);
    if (uncovered.length > 0) {
      findings.push(
        emit('mta-sts/mx-not-covered', {
          message: `${uncovered.join(', ')} match${uncovered.length === 1 ? 'es' : ''} no mx pattern of the ${mode} policy (${policy.mx.join(', ')})`,
          evidence: uncovered.map((host) => `${host}: not matched by ${policy.mx.map((pattern) => `"${pattern}"`).join(', ')}`),
          ...(mode === 'testing' ? { severity: 'medium' as const } : {}),
          fix: fixFor(mode, maxAge, `List every MX host in the MTA-STS policy (${uncovered.join(', ')} missing)`, current, { kind: 'served' }),
        }),
      );
    }
    if (policy.mode === 'testing') {
      findings.push(
        emit('mta-sts/testing-mode', {
          message: `The MTA-STS policy is in mode testing: senders report TLS failures but still deliver`,
          evidence: ['mode: testing'],
          fix: fixFor('enforce', maxAge, 'Switch the MTA-STS policy to mode enforce', current, { kind: 'served' }),
        }),
      );
    }
    if (policy.maxAge !== undefined && policy.maxAge < SHORT_MAX_AGE) {
      findings.push(
        emit('mta-sts/short-max-age', {
          message: `The MTA-STS policy's max_age is ${policy.maxAge} seconds, under one day`,
          evidence: [`max_age: ${policy.maxAge}`],
          fix: fixFor(mode, RECOMMENDED_MAX_AGE, `Raise max_age to ${RECOMMENDED_MAX_AGE} (one week)`, current, { kind: 'served' }),
        }),
      );
    }
    return { findings, facts };
  },
});

/** The MX exchanges, each followed by the canonical name it is an alias of (if any). */
async function namesForPolicy(ctx: CheckContext, exchanges: readonly string[]): Promise<string[]> {
  const { hosts } = await getMxHosts(ctx);
  const names: string[] = [];
  for (const exchange of exchanges) {
    names.push(exchange);
    const canonical = hosts.find((host) => host.exchange === exchange)?.canonical;
    if (canonical && !names.includes(canonical) && !exchanges.includes(canonical)) names.push(canonical);
  }
  return names;
}
