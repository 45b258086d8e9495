/**
 * The ordered registry of checks. Reports list checks in this order.
 */
import type { CheckDefinition } from './define.js';
import { mxCheck } from './mx/index.js';
import { spfCheck } from './spf/index.js';
import { dkimCheck } from './dkim/index.js';
import { dmarcCheck } from './dmarc/index.js';
import { ptrCheck } from './ptr/index.js';
import { tlsCheck } from './tls.js';
import { mtaStsCheck } from './mta-sts.js';
import { tlsRptCheck } from './tls-rpt.js';
import { dnssecCheck } from './dnssec.js';
import { daneCheck } from './dane.js';
import { blocklistCheck } from './blocklist/index.js';
import { bimiCheck } from './bimi/index.js';

export const CHECKS: readonly CheckDefinition[] = [
  mxCheck,
  spfCheck,
  dkimCheck,
  dmarcCheck,
  ptrCheck,
  tlsCheck,
  mtaStsCheck,
  tlsRptCheck,
  dnssecCheck,
  daneCheck,
  blocklistCheck,
  bimiCheck,
];

export const CHECK_IDS: readonly string[] = CHECKS.map((check) => check.id);
