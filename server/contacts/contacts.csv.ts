/** RFC 4180 CSV, read leniently (what spreadsheets really write) and written strictly. Pure functions. */

export interface CsvRecord {
  /** The record's cells, as written (quotes removed, "" unescaped). */
  cells: string[];
  /** 1-based physical line where the record starts (a quoted newline makes a record span lines). */
  line: number;
}

/** A CSV that cannot be read (an unterminated quoted field). */
export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

const DELIMITERS = [',', ';', '\t'] as const;

/**
 * The delimiter of a file: whichever of `,` `;` or tab occurs most in the first record outside quotes
 * (European Excel writes `;`), comma when none does.
 */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/**
 * Reads CSV text into records: quoted fields with `""` escapes, delimiters and newlines inside quotes,
 * CRLF, LF or CR line ends, a leading UTF-8 BOM. Blank lines come back as records with one empty cell,
 * so callers can keep row numbers a spreadsheet would show. Lenient like spreadsheets: a quote inside an
 * unquoted field is kept as text, text after a closing quote is appended. Throws CsvError for a quoted
 * field that never ends. `delimiter` is one character.
 */
export function parseCsv(input: string, delimiter = detectDelimiter(input.replace(/^\uFEFF/, ''))): CsvRecord[] {
  const text = input.replace(/^\uFEFF/, '');
  // Plain text runs are copied whole up to the next delimiter, quote or line end (5 MB in well under a second).
  const special = new RegExp(`[${delimiter.replace(/[\\\]^-]/g, (m) => `\\${m}`)}"\\r\\n]`, 'g');
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quotedPart = false; // the current cell had a quoted part: a later quote is plain text
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endCell = () => {
    cells.push(cell);
    cell = '';
    quotedPart = false;
  };
  const endRecord = () => {
    endCell();
    records.push({ cells, line: recordLine });
    cells = [];
  };
  while (i < text.length) {
    special.lastIndex = i;
    const next = special.exec(text);
    const at = next ? next.index : text.length;
    cell += text.slice(i, at);
    i = at;
    if (!next) break;
    const ch = next[0];
    if (ch === '"' && !quotedPart && /^ *$/.test(cell)) {
      // A quoted field (spaces before the quote are dropped): read to the closing quote ("" is one quote).
      cell = '';
      const openedOn = line;
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) throw new CsvError(`a quoted field opened on line ${openedOn} never closes`);
        const part = text.slice(i, close);
        line += part.match(/\r\n|\r|\n/g)?.length ?? 0;
        cell += part;
        i = close + 1;
        if (text[i] !== '"') break;
        cell += '"';
        i++;
      }
      // Spreadsheets write nothing between the closing quote and the delimiter; stray text is kept.
      quotedPart = true;
    } else if (ch === '"') {
      cell += ch;
      i++;
    } else if (ch === delimiter) {
      endCell();
      i++;
    } else {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    }
  }
  // A last line without a line end is a record; a trailing line end adds no empty record.
  if (cell !== '' || quotedPart || cells.length > 0) endRecord();
  return records;
}

/** True for a record that is only an empty line (or only empty cells, as spreadsheets pad them). */
export function isBlankRecord(r: CsvRecord): boolean {
  return r.cells.every((c) => c.trim() === '');
}

// A cell that starts with one of these is run as a formula by Excel, LibreOffice and Sheets (OWASP CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell made inert for spreadsheets: a leading `'` before anything that would start a formula. */
export function guardFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Undoes guardFormula on import, so an exported `'+14155552671` reads back as `+14155552671`. */
export function unguardFormula(value: string): string {
  return value.length > 1 && value[0] === "'" && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

/** One CSV cell: quoted when it holds the delimiter, a quote, a line end or edge spaces; formula-guarded. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = guardFormula(String(value));
  return /[",\r\n;\t]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text (CRLF line ends, RFC 4180) with a UTF-8 BOM so Excel reads accents right. */
export function toCsv(rows: (string | number | null | undefined)[][]): string {
  return '\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
