/**
 * A small authoritative-style DNS server that serves fixture zones from data,
 * over UDP and TCP on one port of 127.0.0.1. It powers the test suite and the
 * offline demo (`npm run demo`). Queries are decoded with ../dns/wire.ts;
 * answers are built here and encoded by ./fixture-wire.ts, so every record
 * type and header flag (TC, AD) is under the fixture's control. Negative answers (NXDOMAIN, NODATA) carry the
 * zone's SOA in the authority section, as real servers' do (RFC 2308 §3).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { decodeMessage, TYPE_NUMBER, type WireMessage } from '../dns/wire.js';
import {
  encodeName,
  encodeQuestion,
  encodeRdata,
  encodeRecord,
  encodeSoa,
  normalizeName,
  u16,
  u32,
  type RecordValue,
  type WireRecord,
} from './fixture-wire.js';

/** A name or a single type that does not answer normally. */
export type FixtureFailure = 'TIMEOUT' | 'SERVFAIL' | 'REFUSED';

/** The records of one name: type → values, or a failure for that type. */
export type FixtureNode = Record<string, RecordValue[] | FixtureFailure | string>;

export interface FixtureZone {
  /** What the scenario is. */
  description?: string;
  /** Names (and their subdomains) answered with the AD flag when the query sets DO. */
  secure?: string[];
  /** Owner name → records, or a failure for the whole name. */
  zone: Record<string, FixtureNode | FixtureFailure>;
}

export interface FixtureServerOptions {
  /** Port for UDP and TCP; a free port is chosen when omitted. */
  port?: number;
  /** Delay before each reply, ms (for benchmarks). */
  delayMs?: number;
  /** Largest UDP reply before it is sent truncated (TC=1). */
  udpMaxSize?: number;
  /**
   * Answers chosen questions with records given as wire RDATA (signed zones
   * built by a test: RRSIG, NSEC, NSEC3 …), before the fixture zones are asked.
   * `dnssecOk` is the query's DO bit (RFC 3225).
   */
  answer?: (name: string, type: number, dnssecOk: boolean) => RawFixtureAnswer | undefined;
}

/** A reply given as records with wire RDATA (see `FixtureServerOptions.answer`). */
export interface RawFixtureAnswer {
  rcode: number;
  answers: Array<{ name: string; type: number; ttl: number; rdata: Buffer }>;
  authority?: Array<{ name: string; type: number; ttl: number; rdata: Buffer }>;
  /** Set the AD flag (as a validating resolver would) when the query has DO. */
  ad?: boolean;
  /** Send no reply at all (a timeout). */
  silent?: boolean;
}

export interface FixtureServer {
  host: string;
  port: number;
  /** `127.0.0.1:<port>`, ready for `--resolver`. */
  server: string;
  /** Queries received so far (UDP and TCP). */
  queryCount(): number;
  /** Every query received, as `name TYPE` lines. */
  queries(): string[];
  close(): Promise<void>;
}

/** The resolver's type numbers, plus the few a fixture may be asked for that mailcheck never queries. */
const TYPE_NUMBERS: Record<string, number> = { ...TYPE_NUMBER, SPF: 99, CAA: 257, ANY: 255 };
const TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(TYPE_NUMBERS).map(([name, number]) => [number, name]),
);

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;
const FAILURES = new Set(['TIMEOUT', 'SERVFAIL', 'REFUSED']);

/** The fixtures/ folder shipped with the package. */
export const FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

/** Reads fixtures/<name>.json. */
export function loadFixture(name: string): FixtureZone {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, `${name}.json`), 'utf8')) as FixtureZone;
}

interface Answer {
  rcode: number;
  records: WireRecord[];
  /** Authority section: the zone's SOA on negative answers (RFC 2308 §3). */
  authority?: WireRecord[];
  authenticated: boolean;
  /** No reply at all. */
  silent: boolean;
}

/** Merges zones and answers questions from them. */
class ZoneData {
  readonly nodes = new Map<string, FixtureNode | FixtureFailure>();
  readonly secure: string[] = [];
  readonly existing = new Set<string>();

  constructor(zones: FixtureZone[]) {
    for (const zone of zones) {
      for (const [owner, node] of Object.entries(zone.zone)) {
        const name = normalizeName(owner);
        const previous = this.nodes.get(name);
        if (previous && typeof previous === 'object' && typeof node === 'object') {
          this.nodes.set(name, { ...previous, ...node });
        } else {
          this.nodes.set(name, node);
        }
      }
      for (const name of zone.secure ?? []) this.secure.push(normalizeName(name));
    }
    // Every ancestor of an owner name exists as an empty non-terminal (RFC 4592 §2.2.2).
    for (const name of this.nodes.keys()) {
      const labels = name.split('.');
      for (let index = 0; index < labels.length; index++) this.existing.add(labels.slice(index).join('.'));
    }
  }

  /**
   * The apex of the zone holding `name`. Every owner name with records
   * answers SOA queries as its own apex (SOA is synthesised), so the zone of a
   * name is its closest owner with records, itself included; above every
   * owner, the root.
   */
  zoneOf(name: string): string {
    const labels = name.split('.').filter((label) => label !== '');
    for (let index = 0; index < labels.length; index++) {
      const candidate = labels.slice(index).join('.');
      if (typeof this.nodes.get(candidate) === 'object') return candidate;
    }
    return '';
  }

  /**
   * A negative answer (NXDOMAIN or NODATA) for `name`: RFC 2308 §2.1/§2.2
   * (and §3, "MUST") put the SOA of the zone in the authority section, which
   * is also how a resolver tells a NODATA at the end of a CNAME chain from a
   * chain the server could not finish. The SOA's TTL and MINIMUM bound how
   * long the negative answer may be cached (RFC 2308 §5).
   */
  negative(rcode: number, name: string, records: WireRecord[], authenticated: boolean): Answer {
    const zone = this.zoneOf(name);
    const authority = [{ name: zone, type: TYPE_NUMBERS.SOA, ttl: 300, rdata: encodeSoa(zone) }];
    return { rcode, records, authority, authenticated, silent: false };
  }

  isSecure(name: string): boolean {
    return this.secure.some((zone) => name === zone || name.endsWith(`.${zone}`));
  }

  /** RFC 4592 §3.3.1: a wildcard applies only at the closest encloser. */
  private findNode(name: string): { node: FixtureNode | FixtureFailure | undefined; exists: boolean } {
    if (this.nodes.has(name)) return { node: this.nodes.get(name), exists: true };
    if (this.existing.has(name)) return { node: undefined, exists: true };
    const labels = name.split('.');
    for (let index = 1; index < labels.length; index++) {
      const encloser = labels.slice(index).join('.');
      if (this.existing.has(encloser)) {
        const wildcard = this.nodes.get(`*.${encloser}`);
        return wildcard ? { node: wildcard, exists: true } : { node: undefined, exists: false };
      }
    }
    const rootWildcard = this.nodes.get('*');
    return rootWildcard ? { node: rootWildcard, exists: true } : { node: undefined, exists: false };
  }

  answer(qname: string, qtype: number): Answer {
    const records: WireRecord[] = [];
    let name = normalizeName(qname);
    let authenticated = this.isSecure(name);
    const typeName = TYPE_NAMES[qtype] ?? `TYPE${qtype}`;
    for (let hops = 0; hops < 10; hops++) {
      const { node, exists } = this.findNode(name);
      if (!exists) return this.negative(RCODE.NXDOMAIN, name, records, authenticated);
      // An empty non-terminal: the name exists, with no records (NODATA).
      if (node === undefined) return this.negative(RCODE.NOERROR, name, records, authenticated);
      if (typeof node === 'string') return failure(node, records, authenticated);
      const typed = node[typeName] ?? (typeName === 'TXT' ? node.SPF : undefined);
      if (typeof typed === 'string' && FAILURES.has(typed)) return failure(typed as FixtureFailure, records, authenticated);
      if (Array.isArray(typed) && typed.length > 0) {
        for (const value of typed) records.push({ name, type: qtype, ttl: 300, rdata: encodeRdata(typeName, value) });
        return { rcode: RCODE.NOERROR, records, authenticated, silent: false };
      }
      const cname = node.CNAME;
      if (qtype !== TYPE_NUMBERS.CNAME && Array.isArray(cname) && cname.length > 0) {
        const target = normalizeName(String(cname[0]));
        records.push({ name, type: TYPE_NUMBERS.CNAME, ttl: 300, rdata: encodeName(target) });
        if (!this.existing.has(target) && !this.findNode(target).exists) {
          const insideData = [...this.nodes.keys()].some((owner) => sameZone(owner, target));
          // A target in a zone of the data that does not hold it: NXDOMAIN with that zone's SOA (RFC 2308 §2.1).
          if (insideData) return this.negative(RCODE.NXDOMAIN, target, records, authenticated);
          // A target outside the data: the CNAME alone, no SOA, as an authoritative
          // server answers for a target outside its zones (RFC 1034 §4.3.2 step 3a):
          // the resolver asks for the target itself.
          return { rcode: RCODE.NOERROR, records, authenticated, silent: false };
        }
        name = target;
        authenticated = authenticated && this.isSecure(name);
        continue;
      }
      if (qtype === TYPE_NUMBERS.SOA) {
        records.push({ name, type: qtype, ttl: 300, rdata: encodeSoa(name) });
        return { rcode: RCODE.NOERROR, records, authenticated, silent: false };
      }
      // The name exists without the type asked (NODATA).
      return this.negative(RCODE.NOERROR, name, records, authenticated);
    }
    return { rcode: RCODE.SERVFAIL, records: [], authenticated: false, silent: false };
  }
}

function sameZone(owner: string, target: string): boolean {
  const tail = (name: string) => name.split('.').slice(-2).join('.');
  return tail(owner) === tail(target);
}

function failure(kind: string, records: WireRecord[], authenticated: boolean): Answer {
  if (kind === 'TIMEOUT') return { rcode: 0, records, authenticated, silent: true };
  return { rcode: kind === 'REFUSED' ? RCODE.REFUSED : RCODE.SERVFAIL, records: [], authenticated: false, silent: false };
}

/** Builds the reply to one (parsed) query, or null for "no reply". */
function respond(zone: ZoneData, query: WireMessage, transport: 'udp' | 'tcp', options: FixtureServerOptions): Buffer | null {
  const { udpMaxSize } = options;
  const question = query.questions[0];
  if (!question) return null;
  const opt = query.opt;
  const raw = options.answer?.(question.name, question.type, Boolean(opt?.dnssecOk));
  const answer: Answer = raw
    ? { rcode: raw.rcode, records: raw.answers, authority: raw.authority ?? [], authenticated: raw.ad === true, silent: raw.silent === true }
    : zone.answer(question.name, question.type);
  if (answer.silent) return null;
  const dnssecOk = Boolean(opt?.dnssecOk);
  const ad = dnssecOk && answer.authenticated && answer.rcode !== RCODE.SERVFAIL;
  const optRecord = opt
    ? Buffer.concat([Buffer.from([0]), u16(41), u16(1232), u32(dnssecOk ? 0x8000 : 0), u16(0)])
    : Buffer.alloc(0);
  const authority = answer.authority ?? [];
  const build = (records: WireRecord[], truncated: boolean) => {
    const flags =
      0x8000 | // QR
      0x0400 | // AA
      (truncated ? 0x0200 : 0) |
      (query.rd ? 0x0100 : 0) |
      0x0080 | // RA
      (ad ? 0x0020 : 0) |
      answer.rcode;
    const nameservers = truncated ? [] : authority;
    const header = Buffer.concat([u16(query.id), u16(flags), u16(1), u16(records.length), u16(nameservers.length), u16(opt ? 1 : 0)]);
    return Buffer.concat([
      header,
      encodeQuestion(question.name, question.type, question.class),
      ...records.map(encodeRecord),
      ...nameservers.map(encodeRecord),
      optRecord,
    ]);
  };
  const full = build(answer.records, false);
  if (transport === 'udp') {
    // RFC 1035 §4.2.1 / RFC 6891 §7: a reply that does not fit is sent truncated, TC set.
    const limit = Math.min(udpMaxSize ?? Infinity, opt ? Math.max(512, opt.udpPayloadSize || 512) : 512);
    if (full.length > limit) return build([], true);
  }
  return full;
}

/** Starts the server on 127.0.0.1 (UDP and TCP on the same port). */
export async function startFixtureDnsServer(
  zones: FixtureZone | FixtureZone[],
  options: FixtureServerOptions = {},
): Promise<FixtureServer> {
  const zone = new ZoneData(Array.isArray(zones) ? zones : [zones]);
  const host = '127.0.0.1';
  const log: string[] = [];
  const delay = options.delayMs ?? 0;
  const handle = (message: Buffer, transport: 'udp' | 'tcp', reply: (buffer: Buffer) => void) => {
    let query: WireMessage;
    try {
      query = decodeMessage(message);
    } catch {
      return; // Unparsable: no reply.
    }
    const question = query.questions[0];
    if (question) log.push(`${normalizeName(question.name)} ${TYPE_NAMES[question.type] ?? question.type}`);
    const send = () => {
      const response = respond(zone, query, transport, options);
      if (response) reply(response);
    };
    if (delay > 0) setTimeout(send, delay);
    else send();
  };

  const connections = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    let pending = Buffer.alloc(0);
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      // RFC 1035 §4.2.2: each message is preceded by a two-octet length.
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (pending.length < 2 + length) break;
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        handle(message, 'tcp', (response) => {
          if (!socket.destroyed) socket.write(Buffer.concat([u16(response.length), response]));
        });
      }
    });
  });
  const { port, udp } = await bindBoth(tcp, host, options.port);
  udp.on('message', (message, remote) => {
    handle(message, 'udp', (response) => udp.send(response, remote.port, remote.address));
  });
  udp.on('error', () => undefined);
  return {
    host,
    port,
    server: `${host}:${port}`,
    queryCount: () => log.length,
    queries: () => [...log],
    close: () =>
      new Promise<void>((resolve) => {
        let open = 2;
        const done = () => (--open === 0 ? resolve() : undefined);
        udp.close(done);
        tcp.close(done);
        // Clients keep connections open for more queries (RFC 7766 §6.2.1): end them, or close() waits.
        for (const socket of connections) socket.destroy();
      }),
  };
}

/** Binds TCP first (free port), then UDP on the same number; retries if UDP's is taken. */
async function bindBoth(tcp: net.Server, host: string, wanted?: number): Promise<{ port: number; udp: dgram.Socket }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(wanted ?? 0, host, () => {
        tcp.off('error', reject);
        resolve((tcp.address() as net.AddressInfo).port);
      });
    });
    // Bursts of queries (batches, load tests) must not overflow the default receive buffer (about 200 KB).
    const udp = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    const ok = await new Promise<boolean>((resolve) => {
      const onError = () => resolve(false);
      udp.once('error', onError);
      udp.bind(port, host, () => {
        udp.off('error', onError);
        resolve(true);
      });
    });
    if (ok) return { port, udp };
    udp.close();
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    if (wanted !== undefined) throw new Error(`UDP port ${wanted} on ${host} is in use`);
  }
  throw new Error('could not bind a DNS fixture server port');
}
