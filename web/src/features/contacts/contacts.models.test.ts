import { describe, expect, it } from 'vitest';
import { changedFields, detectDelimiter, guessMapping, mappingProblem, previewCsv } from './contacts.models';

describe('CSV preview', () => {
  it('reads the header and first rows like the server: BOM, quotes, CRLF, blank lines', () => {
    const csv = '\uFEFFFull Name,"Phone, mobile",Notes\r\n\r\n"Ana ""Ani"" Lopes",+351 912 345 678,"two\nlines"\r\nBo,+44 7700 900123,\n';
    expect(previewCsv(csv)).toEqual({
      header: ['Full Name', 'Phone, mobile', 'Notes'],
      rows: [
        ['Ana "Ani" Lopes', '+351 912 345 678', 'two\nlines'],
        ['Bo', '+44 7700 900123', ''],
      ],
    });
  });
  it('detects semicolon and tab files (European Excel) and stops after a few rows', () => {
    expect(detectDelimiter('name;phone;"a,b,c"\n1;2;3')).toBe(';');
    expect(detectDelimiter('name\tphone\n')).toBe('\t');
    expect(detectDelimiter('name\n')).toBe(',');
    const many = ['name;phone', ...Array.from({ length: 50 }, (_, i) => `n${i};${i}`)].join('\n');
    expect(previewCsv(many, 2)).toEqual({ header: ['name', 'phone'], rows: [['n0', '0'], ['n1', '1']] });
    expect(previewCsv('')).toEqual({ header: [], rows: [] });
  });
});

describe('column mapping guess', () => {
  const custom = [
    { key: 'tier', label: 'Customer tier' },
    { key: 'birthday', label: 'Birthday' },
  ];
  it('maps common header names, custom fields by key, label or custom:<key>, and ignores the rest', () => {
    expect(guessMapping(['Full name', 'Mobile Phone', 'E-mail', 'Company Name', 'Customer ID', 'Lang', 'Labels', 'Customer tier', 'custom:birthday', 'Notes'], custom)).toEqual({
      'Full name': 'name',
      'Mobile Phone': 'phone',
      'E-mail': 'email',
      'Company Name': 'company',
      'Customer ID': 'reference',
      Lang: 'language',
      Labels: 'tags',
      'Customer tier': 'custom:tier',
      'custom:birthday': 'custom:birthday',
      Notes: 'ignore',
    });
  });
  it('recognises a marketing consent column', () => {
    expect(guessMapping(['Phone', 'Opt-in', 'Accepts marketing'], [])).toEqual({ Phone: 'phone', 'Opt-in': 'consent', 'Accepts marketing': 'ignore' });
  });
  it('gives each field to the first column only (tags may take several), and knows other languages', () => {
    expect(guessMapping(['Telefone', 'WhatsApp', 'Nome', 'tags', 'segment', 'custom:unknown'], [])).toEqual({
      Telefone: 'phone',
      WhatsApp: 'ignore',
      Nome: 'name',
      tags: 'tags',
      segment: 'tags',
      'custom:unknown': 'ignore',
    });
  });
  it('says what a mapping still needs', () => {
    expect(mappingProblem({ a: 'name', b: 'ignore' })).toMatch(/phone/);
    expect(mappingProblem({ a: 'phone', b: 'custom:tier', c: 'custom:tier' })).toMatch(/tier/);
    expect(mappingProblem({ a: 'phone', b: 'tags', c: 'tags' })).toBe('');
  });
});

describe('contact form diff', () => {
  it('sends changed fields only, blanks as null, never a blank name', () => {
    const before = { name: 'Ana', phone: '+351912345678', email: null, company: 'Loja' };
    expect(changedFields(before, { name: 'Ana', phone: '+351912345678', email: '', company: 'Loja' })).toBeUndefined();
    expect(changedFields(before, { name: ' Ana Lopes ', phone: '+351912345678', email: 'ana@example.com', company: '' })).toEqual({ name: 'Ana Lopes', email: 'ana@example.com', company: null });
    expect(changedFields(before, { name: '', phone: '+351912345678', email: '', company: 'Loja' })).toBeUndefined();
  });
});
