import { describe, expect, it } from 'vitest';
import { isDmarcRecord, parseDmarcRecord, serializeTags, cleanTags } from '../src/dmarc/record.js';
import {
  policyFor,
  recordPolicies,
  selectOrganizationalDomain,
  treeWalkTargets,
  type WalkRecord,
} from '../src/dmarc/discovery.js';

describe('isDmarcRecord', () => {
  it.each([
    ['v=DMARC1; p=none', true],
    ['v=DMARC1', true],
    ['v = DMARC1 ;p=reject', true],
    ['V=DMARC1; p=none', true],
    ['v=dmarc1; p=none', false],
    ['v=DMARC10; p=none', false],
    [' v=DMARC1; p=none', false],
    ['p=none; v=DMARC1', false],
    ['v=spf1 -all', false],
  ])('%s → %s', (text, expected) => {
    expect(isDmarcRecord(text)).toBe(expected);
  });
});

describe('parseDmarcRecord', () => {
  it('parses every tag', () => {
    const record = parseDmarcRecord(
      'v=DMARC1; p=Quarantine; sp=reject; np=none; adkim=s; aspf=r; pct=25; fo=0:d:s; rf=afrf; ri=3600; ' +
        'rua=mailto:a@example.test,mailto:b@reports.example.net!10m; ruf=mailto:f@example.test; psd=n; t=y;',
    );
    expect(record.errors).toEqual([]);
    expect(record).toMatchObject({
      p: 'quarantine',
      sp: 'reject',
      np: 'none',
      adkim: 's',
      aspf: 'r',
      pct: 25,
      fo: ['0', 'd', 's'],
      rf: ['afrf'],
      ri: 3600,
      psd: 'n',
      t: 'y',
    });
    expect(record.rua.map((uri) => [uri.valid, uri.address, uri.host, uri.maxSize])).toEqual([
      [true, 'a@example.test', 'example.test', undefined],
      [true, 'b@reports.example.net', 'reports.example.net', '10m'],
    ]);
    expect(record.removedTags).toEqual(['pct', 'rf', 'ri']);
    expect(record.unknownTags).toEqual([]);
  });

  it('applies defaults', () => {
    const record = parseDmarcRecord('v=DMARC1; p=none');
    expect(record).toMatchObject({ adkim: 'r', aspf: 'r', pct: 100, fo: ['0'], psd: 'u', t: 'n', rua: [], ruf: [] });
    expect(record.sp).toBeUndefined();
  });

  it('reports duplicate tags and invalid values as syntax errors', () => {
    const record = parseDmarcRecord('v=DMARC1; p=reject; p=none; adkim=x; pct=101; fo=2; psd=maybe; t=yes; ri=soon; junk');
    expect(record.errors.map((error) => error.tag ?? 'malformed').sort()).toEqual(
      ['adkim', 'fo', 'malformed', 'p', 'pct', 'psd', 'ri', 't'].sort(),
    );
    expect(record.p).toBe('reject'); // the first occurrence
  });

  it('reports unknown tags without failing', () => {
    const record = parseDmarcRecord('v=DMARC1; p=reject; foo=bar; x_y=1');
    expect(record.errors).toEqual([]);
    expect(record.unknownTags).toEqual(['foo', 'x_y']);
  });

  it('separates invalid report URIs from syntax errors', () => {
    const record = parseDmarcRecord('v=DMARC1; p=none; rua=dmarc@example.test,,mailto:nobody,https://reports.example.net/dmarc');
    expect(record.errors).toEqual([]);
    expect(record.rua.map((uri) => uri.valid)).toEqual([false, false, false, true]);
    expect(record.rua[3].host).toBe('reports.example.net');
  });

  it('cleans a record for a fix: first occurrence kept, invalid values dropped', () => {
    const record = parseDmarcRecord('v=DMARC1; p=reject; adkim=x; p=none; rua=mailto:d@example.test; bad');
    expect(serializeTags(cleanTags(record))).toBe('v=DMARC1; p=reject; rua=mailto:d@example.test');
  });
});

describe('tree walk (RFC 9989 §4.10)', () => {
  it('walks one label at a time below eight labels', () => {
    expect(treeWalkTargets('a.mail.example.com')).toEqual(['a.mail.example.com', 'mail.example.com', 'example.com', 'com']);
  });

  it('shortens long names to seven labels: at most eight queries', () => {
    const targets = treeWalkTargets('a.b.c.d.e.f.g.h.i.j.mail.example.com');
    expect(targets).toEqual([
      'a.b.c.d.e.f.g.h.i.j.mail.example.com',
      'g.h.i.j.mail.example.com',
      'h.i.j.mail.example.com',
      'i.j.mail.example.com',
      'j.mail.example.com',
      'mail.example.com',
      'example.com',
      'com',
    ]);
    expect(treeWalkTargets('a.b.c.d.e.f.g.example.com')).toHaveLength(8); // 9 labels
    expect(treeWalkTargets('c.d.e.f.g.example.com')).toHaveLength(7); // 7 labels
  });

  const at = (domain: string, text: string): WalkRecord => ({ domain, record: parseDmarcRecord(text) });

  it('selects the Organizational Domain (RFC 9989 §4.10.2)', () => {
    // Rule 3: the record with the fewest labels.
    expect(
      selectOrganizationalDomain('a.mail.example.com', [at('mail.example.com', 'v=DMARC1; p=none'), at('example.com', 'v=DMARC1; p=reject')]),
    ).toBe('example.com');
    // Rule 1: psd=n.
    expect(selectOrganizationalDomain('a.mail.example.com', [at('mail.example.com', 'v=DMARC1; p=none; psd=n')])).toBe('mail.example.com');
    // Rule 2: psd=y → one label below.
    expect(selectOrganizationalDomain('a.mail.example.com', [at('com', 'v=DMARC1; p=reject; psd=y')])).toBe('example.com');
    // psd=y at the start does not count; nothing else → the start.
    expect(selectOrganizationalDomain('example.com', [at('example.com', 'v=DMARC1; p=reject; psd=y')])).toBe('example.com');
    expect(selectOrganizationalDomain('x.example.com', [])).toBe('x.example.com');
  });

  it('derives policies with RFC 9989 fallbacks', () => {
    expect(recordPolicies(parseDmarcRecord('v=DMARC1; p=reject'))).toEqual({
      policy: 'reject',
      subdomainPolicy: 'reject',
      nonExistentSubdomainPolicy: 'reject',
    });
    expect(recordPolicies(parseDmarcRecord('v=DMARC1; p=reject; sp=quarantine'))).toMatchObject({ nonExistentSubdomainPolicy: 'quarantine' });
    expect(recordPolicies(parseDmarcRecord('v=DMARC1; rua=mailto:d@example.test'))).toMatchObject({ policy: 'none' });
    // Invalid p: p=none when a valid rua exists, else no DMARC at all (RFC 9989 §4.10.1).
    expect(recordPolicies(parseDmarcRecord('v=DMARC1; p=block; rua=mailto:d@example.test')).policy).toBe('none');
    expect(recordPolicies(parseDmarcRecord('v=DMARC1; p=block')).policy).toBeNull();
    const parent = parseDmarcRecord('v=DMARC1; p=reject; sp=quarantine; np=none');
    expect(policyFor(parent, 'example.com', 'example.com', true)).toBe('reject');
    expect(policyFor(parent, 'example.com', 'a.example.com', true)).toBe('quarantine');
    expect(policyFor(parent, 'example.com', 'a.example.com', false)).toBe('none');
  });
});
