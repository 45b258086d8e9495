/**
 * The text report's DMARC and DKIM sections show their key facts: the policy
 * and where it came from, and each DKIM key with its size and CNAME target.
 */
import { describe, expect, it } from 'vitest';
import { auditDomain } from '../src/run.js';
import { renderText } from '../src/report/text.js';
import type { Report } from '../src/schema/report.js';
import { useFixture } from './helpers/context.js';

const fixture = useFixture(['dmarc-inherited', 'dkim-cname', 'dkim-revoked-key']);

const options = { color: false, verbose: false, failOn: 'high' as const };

async function report(domain: string): Promise<Report> {
  return auditDomain({ domain }, { checks: ['dmarc', 'dkim'], smtp: false }, { dns: fixture.freshDns() });
}

describe('text report: DMARC and DKIM sections', () => {
  it('shows an inherited DMARC policy and a CNAME-delegated DKIM key', async () => {
    const text = renderText([await report('sub.parent.dmarc.test')], options);
    expect(text).toMatch(/^ +record: v=DMARC1; p=reject; sp=quarantine; np=reject;\n +rua=mailto:dmarc@parent\.dmarc\.test$/m);
    expect(text).toMatch(/^ +policy: quarantine \(inherited from parent\.dmarc\.test\)$/m);
    expect(text).toMatch(/^ +INFO +dmarc\/inherited$/m);

    const dkim = renderText([await report('cname.dkim.test')], options);
    expect(dkim).toMatch(/^ +s1: rsa 2048 bits \(CNAME → s1\.domainkey\.u1234\.wl\.provider\.example\.net\)$/m);
  });

  it('shows revoked keys and the policy of a domain\'s own record', async () => {
    const text = renderText([await report('revoked.dkim.test')], options);
    expect(text).toMatch(/^ +selector1: revoked$/m);
    expect(text).toMatch(/^ +selector2: rsa 2048 bits$/m);
    const lax = renderText([await report('lax.dmarc.test')], options);
    expect(lax).toMatch(/^ +policy: reject, subdomains: none$/m);
  });
});
