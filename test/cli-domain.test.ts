/**
 * Domain argument normalisation: what is accepted and how it is written,
 * and that every rejection is one line saying what is wrong and how to fix it.
 */
import { describe, expect, it } from 'vitest';
import { InputError, normaliseDomain, parseDomain } from '../src/domain.js';

describe('accepted input', () => {
  it.each([
    ['example.com', 'example.com', undefined],
    ['Example.COM.', 'example.com', 'Example.COM.'],
    ['  example.com  ', 'example.com', '  example.com  '],
    ['user@example.com', 'example.com', 'user@example.com'],
    ['"odd@local"@Example.com', 'example.com', '"odd@local"@Example.com'],
    ['bücher.example', 'xn--bcher-kva.example', 'bücher.example'],
    ['BÜCHER.example.', 'xn--bcher-kva.example', 'BÜCHER.example.'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example', undefined],
    ['例え.テスト', 'xn--r8jz45g.xn--zckzah', '例え.テスト'],
    ['a-b.c-d.example', 'a-b.c-d.example', undefined],
    ['123.example', '123.example', undefined],
    [`${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`, undefined],
  ])('%s → %s', (input, domain, recorded) => {
    const parsed = parseDomain(input);
    expect(parsed).toEqual(recorded === undefined ? { ok: true, domain } : { ok: true, domain, input: recorded });
  });

  it('accepts a name of exactly 253 octets', () => {
    const name = `${Array.from({ length: 4 }, () => 'a'.repeat(62)).join('.')}.b`;
    expect(name.length).toBe(253);
    expect(parseDomain(name)).toEqual({ ok: true, domain: name });
  });
});

describe('rejected input', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['exa mple.com', 'space'],
    ['http://x', 'not a URL'],
    ['https://example.com/path', 'not a URL'],
    ['example.com/path', 'not a URL'],
    ['mailto:user@example.com', 'not a URL'],
    [`${'a'.repeat(64)}.com`, '63'],
    [`${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.com`, '253'],
    ['exa_mple.com', 'character "_"'],
    ['exa!mple.com', 'character "!"'],
    ['-example.com', 'hyphen'],
    ['example-.com', 'hyphen'],
    ['localhost', 'single label'],
    ['com', 'single label'],
    ['192.0.2.1', 'IP address'],
    ['[192.0.2.1]', 'IP address'],
    ['2001:db8::1', 'IP address'],
    ['user@[2001:db8::1]', 'IP address'],
    ['0x7f.1', 'numeric'],
    ['example.123', 'numeric'],
    ['a..example', 'empty label'],
    ['.example.com', 'empty label'],
    ['.', 'root'],
    ['user@', 'nothing after'],
    ['xn--zz.example', 'internationalised'],
  ])('%j is rejected (%s)', (input, what) => {
    const parsed = parseDomain(input);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    // One line, "<what is wrong>. <how to fix>."
    expect(parsed.error).not.toContain('\n');
    expect(parsed.error).toMatch(/^.+\. [A-Z].+\.$/);
    expect(parsed.error).toContain(what);
  });

  it('normaliseDomain throws an InputError with the same message', () => {
    expect(() => normaliseDomain('http://x')).toThrow(InputError);
    expect(() => normaliseDomain('http://x')).toThrow(/Give a domain name, not a URL/);
    expect(normaliseDomain('User@Example.com')).toEqual({ domain: 'example.com', input: 'User@Example.com' });
  });
});
