/**
 * Replacement SPF records a person can paste: a flattened record that stays
 * within the 10-lookup limit (RFC 7208 §4.6.4), split into sub-records when a
 * record would exceed 450 octets (§3.4); a merged record for several records
 * (§4.5); the same record with a safe "all"; a starting record; a record that
 * authorises given sending IPs. One import for the parts: the limits
 * (./limits.ts), record edits (./record-edits.ts), flattening and splitting
 * (./flatten.ts) and the composition of every fix into one record set
 * (./compose.ts).
 */
export { LOOKUP_LIMIT, RECORD_OCTET_LIMIT, VOID_LOOKUP_LIMIT } from './limits.js';
export { flattenPolicy, splitPolicy, type FlattenResult, type ProposedRecord } from './flatten.js';
export { ipTerms, mergeRecords, recordText, repairRecord, startingRecord, withAll, withIps, withoutTerms } from './record-edits.js';
export { composePolicy, redirectChainEnd, type ComposeInput, type ComposedPolicy, type EvaluatedIp, type SpfEdit } from './compose.js';
