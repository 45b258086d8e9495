/**
 * Network reduction for SPF facts and flattening: nested and repeated
 * networks dropped in O(n log n), and a hostile policy (11 includes of 1,000
 * ip4 terms each) walked and flattened within the test's time bound.
 */
import { describe, expect, it } from 'vitest';
import { spfCheck } from '../src/checks/spf/index.js';
import { formatNetwork, parseIp, reduceNetworks, type IpNetwork } from '../src/spf/ip.js';
import { runCheck, startFixture } from './helpers/context.js';

const net = (text: string): IpNetwork => {
  const [address, prefix] = text.split('/');
  return { ...parseIp(address!)!, prefix: Number(prefix) };
};

describe('reduceNetworks', () => {
  it('drops repeated and nested networks, keeps disjoint ones, in address order', () => {
    const input = ['192.0.2.128/25', '10.0.0.0/8', '10.1.2.0/24', '192.0.2.0/24', '192.0.2.7/32', '198.51.100.1/32', '10.0.0.0/8', '2001:db8::/32', '2001:db8:1::/48', '::1/128'].map(net);
    expect(reduceNetworks(input).map(formatNetwork)).toEqual(['10.0.0.0/8', '192.0.2.0/24', '198.51.100.1/32', '::1/128', '2001:db8::/32']);
  });

  it('keeps a network that starts where the previous one ended', () => {
    expect(reduceNetworks(['192.0.2.0/25', '192.0.2.128/25'].map(net)).map(formatNetwork)).toEqual(['192.0.2.0/25', '192.0.2.128/25']);
  });
});

describe('a hostile SPF tree: 11 includes of 1,000 ip4 terms', () => {
  it('is walked and flattened (no quadratic network merging)', async () => {
    const includes = Array.from({ length: 11 }, (_, i) => `include:i${i}.wide-tree.test`);
    const zone: Record<string, { TXT: string[][] }> = { 'wide-tree.test': { TXT: [[`v=spf1 ${includes.join(' ')} -all`]] } };
    for (let i = 0; i < 11; i++) {
      // Every other address, so nothing nests: 1,000 distinct networks per include.
      const text = `v=spf1 ${Array.from({ length: 1000 }, (_, j) => `ip4:10.${i}.${j >> 7}.${(j & 127) * 2}`).join(' ')} -all`;
      zone[`i${i}.wide-tree.test`] = { TXT: [text.match(/.{1,250}/g)!] };
    }
    const env = await startFixture({ description: 'wide SPF tree', zone }, { timeoutMs: 5000, retries: 1 });
    try {
      const result = await runCheck(spfCheck, env.ctx('wide-tree.test'));
      expect(result.status).toBe('fail');
      expect(result.facts.lookups).toBe(11);
      expect((result.facts.networks as { ip4: string[] }).ip4).toHaveLength(11_000);
      expect(result.findings.map((finding) => finding.id)).toContain('spf/too-many-lookups');
      const records = result.findings.find((finding) => finding.id === 'spf/too-many-lookups')!.fix!.records!;
      expect(records.length).toBeGreaterThan(1);
    } finally {
      await env.close();
    }
  }, 120_000);
});
