/** The domain check's judge: only an NXDOMAIN answer proves the name does not exist (RFC 8020 §2). */
import { expect } from 'vitest';
import { domainCheck } from '../../src/checks/domain.js';
import { judgeCases } from '../helpers/judge.js';

judgeCases(domainCheck, [
  { name: 'an answered MX query: the name exists', facts: { domain: 'example.test', exists: true, mx: 'ok' }, ids: [] },
  { name: 'NODATA: the name exists without MX', facts: { domain: 'example.test', exists: true, mx: 'nodata' }, ids: [] },
  {
    name: 'NXDOMAIN: domain/not-found, naming the domain',
    facts: { domain: 'typo.test', exists: false, mx: 'nxdomain' },
    ids: ['domain/not-found'],
    data: { 'domain/not-found': { domain: 'typo.test' } },
    then: ([finding]) => expect(finding!.evidence).toEqual(['MX typo.test: NXDOMAIN']),
  },
  { name: 'a timed-out query proves nothing', facts: { domain: 'example.test', exists: null, mx: 'timeout' }, ids: [] },
  { name: 'SERVFAIL proves nothing', facts: { domain: 'example.test', exists: null, mx: 'servfail' }, ids: [] },
]);
