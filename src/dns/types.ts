/**
 * The DNS contract every check uses. Answers are a tagged union: absence
 * (nxdomain, nodata) and failure (servfail, refused, timeout) are never
 * collapsed, so a check cannot mistake an unanswered query for a missing record.
 */

/** Record types mailcheck asks for. */
export type RRType =
  | 'A'
  | 'AAAA'
  | 'MX'
  | 'TXT'
  | 'CNAME'
  | 'PTR'
  | 'NS'
  | 'SOA'
  | 'TLSA'
  | 'DS'
  | 'DNSKEY';

export interface MxData {
  /** Preference; lower is preferred (RFC 5321 §5.1). */
  preference: number;
  /** Exchange host name, lower case, no trailing dot ('' for the null MX "."). */
  exchange: string;
}

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export interface TlsaData {
  /** Certificate usage (RFC 6698 §2.1.1): 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE. */
  usage: number;
  /** 0 full certificate, 1 SubjectPublicKeyInfo. */
  selector: number;
  /** 0 exact, 1 SHA-256, 2 SHA-512. */
  matchingType: number;
  /** Certificate association data, lower-case hex. */
  data: string;
}

export interface DsData {
  keyTag: number;
  algorithm: number;
  digestType: number;
  /** Lower-case hex. */
  digest: string;
}

export interface DnskeyData {
  flags: number;
  protocol: number;
  algorithm: number;
  /** Base64. */
  publicKey: string;
}

/** The data type of one record of each RR type. */
export interface RecordData {
  A: string;
  AAAA: string;
  MX: MxData;
  /** A TXT record's character-strings, in order; join them without separator for SPF/DMARC (RFC 7208 §3.3). */
  TXT: string[];
  CNAME: string;
  PTR: string;
  NS: string;
  SOA: SoaData;
  TLSA: TlsaData;
  DS: DsData;
  DNSKEY: DnskeyData;
}

/** One resource record as DNSSEC validation reads it. */
export interface SignedRecord {
  /** Owner name, lower case, no trailing dot ('' for the root). */
  name: string;
  /** RR type number (RRSIG 46, NSEC 47, NSEC3 50 and the types of ./wire.ts). */
  type: number;
  ttl: number;
  /** RDATA in canonical form (RFC 4034 §6.2), base64. */
  rdata: string;
}

/**
 * What a signed reply (the query carried the DO bit, RFC 3225; the reply
 * RRSIG records, RFC 4035 §3.1) brings for validation: every record of its
 * answer section (the RRsets of the CNAME chain and their RRSIGs) and of its
 * authority section (SOA, NSEC, NSEC3 and their RRSIGs for a denial,
 * RFC 4035 §3.1.3). Absent when the reply carried no RRSIG.
 */
export interface DnssecRecords {
  answer: SignedRecord[];
  authority: SignedRecord[];
}

/** The outcome of one query. */
export type DnsAnswer<T> =
  | {
      status: 'ok';
      /** Records of the asked type (after following any CNAME chain). */
      records: T[];
      /** Smallest TTL among the answer records. */
      ttl: number;
      /** AD flag: the resolver validated the answer with DNSSEC. */
      ad: boolean;
      /** CNAME chain followed to reach the records, in order (empty when none). */
      cnames: string[];
      /** The reply's records for DNSSEC validation, when it was signed. */
      dnssec?: DnssecRecords;
    }
  | { status: 'nxdomain'; ad: boolean; cnames: string[]; dnssec?: DnssecRecords }
  | { status: 'nodata'; ad: boolean; cnames: string[]; dnssec?: DnssecRecords }
  | {
      status: 'servfail';
      /**
       * Set when nothing was asked: with `--offline`, the name (this one, or
       * the CNAME target named here) lies outside the zone files, so whether it
       * exists is unknown.
       */
      outside?: string;
    }
  | { status: 'refused' }
  | { status: 'timeout' };

export type DnsStatus = DnsAnswer<unknown>['status'];

/** True for the outcomes that say nothing about whether the record exists. */
export function isDnsFailure(
  answer: DnsAnswer<unknown>,
): answer is Extract<DnsAnswer<unknown>, { status: 'servfail' | 'refused' | 'timeout' }> {
  return answer.status === 'servfail' || answer.status === 'refused' || answer.status === 'timeout';
}

/** One line of the query log. */
export interface QueryLogEntry {
  name: string;
  type: RRType;
  status: DnsStatus;
  /** Wall time of the query on the wire, ms (0 for answers served from the cache). */
  ms: number;
  /** Which server answered (ip:port or URL), or the last one tried. */
  server: string;
  /** Answer came from the cache or from a query already in flight. */
  cached: boolean;
  /** Answer came over TCP after a truncated UDP reply. */
  tcp?: boolean;
  /** Millisecond offset from the resolver's creation when the query started. */
  startedAt: number;
}

/** The resolver a check talks to. One per run; it caches and shares in-flight queries. */
export interface DnsClient {
  query<T extends RRType>(name: string, type: T): Promise<DnsAnswer<RecordData[T]>>;
  /** Every query asked, in order of asking (cache hits included, flagged). */
  readonly log: readonly QueryLogEntry[];
  /** The servers in use, as ip:port or URL. */
  readonly servers: readonly string[];
}
