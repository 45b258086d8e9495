/**
 * The shared `name=value;` splitter (RFC 6376 §3.2; RFC 8461 §3.1 and RFC 8460 §3
 * spacing), table-driven: text in, fields out.
 */
import { describe, expect, it } from 'vitest';
import { isTagName, splitTagList, type TagListField, type TagListSyntax } from '../src/tag-list.js';

const tag = (text: string, name: string, value: string): TagListField => ({ kind: 'tag', text, name, value });
const empty: TagListField = { kind: 'empty', text: '' };
const malformed = (text: string): TagListField => ({ kind: 'malformed', text });

const CASES: Array<{ name: string; text: string; syntax?: TagListSyntax; fields: TagListField[] }> = [
  { name: 'nothing', text: '', fields: [] },
  { name: 'only white space', text: ' \t ', fields: [] },
  { name: 'one tag', text: 'v=DKIM1', fields: [tag('v=DKIM1', 'v', 'DKIM1')] },
  { name: 'a trailing ";" leaves no field', text: 'v=DKIM1; p=abc;', fields: [tag('v=DKIM1', 'v', 'DKIM1'), tag('p=abc', 'p', 'abc')] },
  { name: 'only ";"', text: ';', fields: [empty] },
  { name: '";;" in the middle is an empty field', text: 'a=1;;b=2', fields: [tag('a=1', 'a', '1'), empty, tag('b=2', 'b', '2')] },
  { name: 'a leading ";" is an empty field', text: ';a=1', fields: [empty, tag('a=1', 'a', '1')] },
  { name: 'FWS around tags, names, "=" and values is trimmed', text: ' p = reject ;\r\n\tsp=none ', fields: [tag('p = reject', 'p', 'reject'), tag('sp=none', 'sp', 'none')] },
  { name: 'white space inside a value is kept', text: 'n=a note here', fields: [tag('n=a note here', 'n', 'a note here')] },
  { name: 'an empty value is a tag', text: 'p=', fields: [tag('p=', 'p', '')] },
  { name: 'only the first "=" separates', text: 'l=https://x.example/?a=b', fields: [tag('l=https://x.example/?a=b', 'l', 'https://x.example/?a=b')] },
  { name: 'no "=" is malformed', text: 'v=DMARC1; reject', fields: [tag('v=DMARC1', 'v', 'DMARC1'), malformed('reject')] },
  { name: 'nothing before "=" is malformed', text: '=x', fields: [malformed('=x')] },
  { name: 'names are returned as written, case and all', text: 'P=Reject', fields: [tag('P=Reject', 'P', 'Reject')] },
  { name: 'a name with a space is still split (the parser judges names)', text: 'a b=1', fields: [tag('a b=1', 'a b', '1')] },
  {
    name: 'rfc8461: spaces and tabs around ";" are trimmed',
    text: 'v=STSv1 ;\tid=abc ',
    syntax: 'rfc8461',
    fields: [tag('v=STSv1', 'v', 'STSv1'), tag('id=abc', 'id', 'abc')],
  },
  { name: 'rfc8461: nothing around "=" is trimmed', text: 'v=STSv1; id = abc', syntax: 'rfc8461', fields: [tag('v=STSv1', 'v', 'STSv1'), tag('id = abc', 'id ', ' abc')] },
  { name: 'rfc8461: CR LF is not WSP and stays', text: 'id=a\r\n', syntax: 'rfc8461', fields: [tag('id=a\r\n', 'id', 'a\r\n')] },
  { name: 'rfc8461: a trailing ";" leaves no field', text: 'v=TLSRPTv1; rua=mailto:a@b.example;', syntax: 'rfc8461', fields: [tag('v=TLSRPTv1', 'v', 'TLSRPTv1'), tag('rua=mailto:a@b.example', 'rua', 'mailto:a@b.example')] },
  { name: 'rfc8461: ";;" is an empty field', text: 'v=STSv1;;id=1', syntax: 'rfc8461', fields: [tag('v=STSv1', 'v', 'STSv1'), empty, tag('id=1', 'id', '1')] },
  { name: 'rfc8461: no "=" is malformed', text: 'v=STSv1; id', syntax: 'rfc8461', fields: [tag('v=STSv1', 'v', 'STSv1'), malformed('id')] },
];

describe('splitTagList', () => {
  it.each(CASES)('$name', ({ text, syntax, fields }) => {
    expect(splitTagList(text, syntax)).toEqual(fields);
  });
});

describe('isTagName (RFC 6376 §3.2 tag-name = ALPHA *ALNUMPUNC)', () => {
  it.each([
    ['v', true],
    ['adkim', true],
    ['Rua', true],
    ['a_1', true],
    ['', false],
    ['1a', false],
    ['_a', false],
    ['a-b', false],
    ['a b', false],
    ['é', false],
  ] as const)('%j → %s', (name, valid) => {
    expect(isTagName(name)).toBe(valid);
  });
});
