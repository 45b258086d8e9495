/** The --parked assertion on the parked profile's verdicts: a finding per failing requirement, with the record that supplies it. */
import { describe, expect, it } from 'vitest';
import { makeEmit } from '../../src/checks/define.js';
import { judgeParked, parkedCheck, parkedFactsSchema } from '../../src/profiles/parked.js';

const emit = makeEmit(parkedCheck);
const requirement = (id: string, status: 'pass' | 'fail' | 'inconclusive', summary = `${id} ${status}`) => ({ id, status, summary });

describe('parked judge', () => {
  it('nothing when every requirement passes (or cannot be decided)', () => {
    const requirements = [requirement('null-mx', 'pass'), requirement('spf-reject-all', 'pass'), requirement('dmarc-reject', 'inconclusive'), requirement('no-active-dkim', 'pass')];
    expect(judgeParked('parked.test', requirements, emit)).toEqual([]);
  });

  it('each failing requirement: its finding, the verdict as message, the exact record', () => {
    const requirements = [
      requirement('null-mx', 'fail', 'no null MX ("0 .") is published'),
      requirement('spf-reject-all', 'fail', 'the SPF record is not "v=spf1 -all"'),
      requirement('dmarc-reject', 'fail', 'DMARC p=none, not p=reject'),
      requirement('no-active-dkim', 'fail', 'an active DKIM key is published'),
    ];
    const findings = judgeParked('half.test', requirements, emit);
    expect(findings.map((finding) => [finding.id, finding.severity, finding.message, finding.fix?.records])).toEqual([
      ['parked/mx-not-null', 'high', 'no null MX ("0 .") is published', [{ action: 'add', name: 'half.test', type: 'MX', value: '0 .' }]],
      ['parked/spf-not-reject-all', 'high', 'the SPF record is not "v=spf1 -all"', [{ action: 'add', name: 'half.test', type: 'TXT', value: 'v=spf1 -all' }]],
      ['parked/dmarc-not-reject', 'high', 'DMARC p=none, not p=reject', [{ action: 'add', name: '_dmarc.half.test', type: 'TXT', value: 'v=DMARC1; p=reject; sp=reject' }]],
      ['parked/dkim-key-active', 'high', 'an active DKIM key is published', [{ action: 'add', name: '*._domainkey.half.test', type: 'TXT', value: 'v=DKIM1; p=' }]],
    ]);
    expect(findings[0]!.data).toEqual({ summary: 'no null MX ("0 .") is published' });
  });

  it('its facts schema takes the requirements and their verdicts', () => {
    expect(parkedFactsSchema().safeParse({ requirements: [{ id: 'null-mx', status: 'fail' }] }).success).toBe(true);
  });
});
