/** The limits RFC 7208 sets on an SPF policy, which its fixes respect. */

/** RFC 7208 §4.6.4. */
export const LOOKUP_LIMIT = 10;
/** RFC 7208 §4.6.4: receivers may return permerror after two void lookups. */
export const VOID_LOOKUP_LIMIT = 2;
/** RFC 7208 §3.4: keep a record within 450 octets so the answer fits a 512-octet UDP reply. */
export const RECORD_OCTET_LIMIT = 450;
