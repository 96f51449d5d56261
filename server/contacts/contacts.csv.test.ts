import { describe, expect, it } from 'vitest';
import { csvCell, CsvError, detectDelimiter, guardFormula, parseCsv, toCsv, unguardFormula } from './contacts.csv.js';

const cells = (text: string, delimiter?: string) => parseCsv(text, delimiter).map((r) => r.cells);

describe('CSV reading', () => {
  it('reads quoted fields with commas, "" escapes and newlines inside, CRLF and a BOM', () => {
    const text = '\uFEFFname,phone,notes\r\n"Lima, Ana","+1 415 555 2671","said ""hi""\r\nthen left"\r\nBo,123,\r\n';
    const records = parseCsv(text);
    expect(records.map((r) => r.cells)).toEqual([
      ['name', 'phone', 'notes'],
      ['Lima, Ana', '+1 415 555 2671', 'said "hi"\r\nthen left'],
      ['Bo', '123', ''],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]); // the quoted newline makes record 2 span two lines
  });

  it('keeps blank lines as blank records (row numbers stay what a spreadsheet shows) and adds none for the final line end', () => {
    expect(cells('a,b\n\n1,2\n\n')).toEqual([['a', 'b'], [''], ['1', '2'], ['']]);
    expect(cells('a,b\n1,2')).toEqual([['a', 'b'], ['1', '2']]);
    expect(cells('a\r1\r2')).toEqual([['a'], ['1'], ['2']]); // old Mac line ends
    expect(cells('')).toEqual([]);
  });

  it('is lenient like spreadsheets: quotes inside unquoted text, text after a closing quote, spaces before a quote', () => {
    expect(cells('5" screen,x\n"a"b,c\n1, "x, y"')).toEqual([['5" screen', 'x'], ['ab', 'c'], ['1', 'x, y']]);
    expect(cells('"",""\n')).toEqual([['', '']]);
  });

  it('refuses a quoted field that never closes, naming its line', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(CsvError);
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(/line 2/);
  });

  it('detects ; and tab delimiters from the header, ignoring quoted ones', () => {
    expect(detectDelimiter('name;phone;"a,b,c"\n1;2;3')).toBe(';');
    expect(detectDelimiter('name\tphone\n')).toBe('\t');
    expect(detectDelimiter('name,phone\n')).toBe(',');
    expect(detectDelimiter('name\n')).toBe(',');
    expect(cells('name;phone\n"Lima; Ana";+351 912 345 678\n')).toEqual([['name', 'phone'], ['Lima; Ana', '+351 912 345 678']]);
  });
});

describe('CSV writing', () => {
  it('quotes what needs it and guards formula cells', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('Lima, Ana')).toBe('"Lima, Ana"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+14155552671')).toBe("'+14155552671");
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
  });

  it('round-trips through the reader, and unguarding undoes only the guard', () => {
    const rows = [['id', 'name', 'notes'], ['1', 'Lima, "Ana"', 'a\r\nb'], ['2', '=1+1', '']];
    const back = parseCsv(toCsv(rows)).map((r) => r.cells.map(unguardFormula));
    expect(back).toEqual(rows);
    expect(toCsv([['a']]).startsWith('\uFEFF')).toBe(true);
    expect(unguardFormula("'hello")).toBe("'hello");
    expect(unguardFormula(guardFormula('+351912345678'))).toBe('+351912345678');
  });
});
