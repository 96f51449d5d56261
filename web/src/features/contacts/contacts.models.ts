/** Pure helpers for the contact screens: reading a CSV's first rows, guessing the import mapping, form diffs. */

const DELIMITERS = [',', ';', '\t'];

/** The delimiter the server will use: whichever of `,` `;` tab occurs most in the first record outside quotes (comma on ties). */
export function detectDelimiter(text: string): string {
  const counts = new Map(DELIMITERS.map((d) => [d, 0]));
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
 * The header and up to `max` data rows of a CSV, read like the server reads it (BOM dropped, quoted
 * fields with "" escapes and line breaks, CRLF/LF/CR, blank lines skipped), for the mapping screen.
 */
export function previewCsv(input: string, max = 3): { header: string[]; rows: string[][] } {
  const text = input.replace(/^\uFEFF/, '');
  const delimiter = detectDelimiter(text);
  const records: string[][] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  const endRecord = () => {
    cells.push(cell);
    if (cells.some((c) => c.trim() !== '')) records.push(cells);
    cells = [];
    cell = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length && records.length <= max; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && !wasQuoted && cell.trim() === '') {
      quoted = true;
      wasQuoted = true;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
      wasQuoted = false;
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else cell += ch;
  }
  if (records.length <= max && (cell !== '' || cells.length)) endRecord();
  const [header = [], ...rows] = records;
  return { header: header.map((h) => h.trim()), rows: rows.slice(0, max) };
}

export const IMPORT_FIELDS = ['name', 'phone', 'email', 'company', 'reference', 'language', 'tags', 'consent'] as const;

// Header names people use, compared without case, spaces or punctuation.
const SYNONYMS: Record<(typeof IMPORT_FIELDS)[number], string[]> = {
  name: ['name', 'fullname', 'contactname', 'customer', 'customername', 'client', 'clientname', 'nome', 'nombre', 'nom'],
  phone: ['phone', 'phonenumber', 'phoneno', 'mobile', 'mobilephone', 'mobilenumber', 'cell', 'cellphone', 'whatsapp', 'whatsappnumber', 'tel', 'telephone', 'telefone', 'telefono', 'celular', 'msisdn', 'number'],
  email: ['email', 'emailaddress', 'mail', 'correo'],
  company: ['company', 'companyname', 'organisation', 'organization', 'org', 'business', 'empresa', 'account'],
  reference: ['reference', 'ref', 'customerid', 'clientid', 'externalid', 'customerref', 'id', 'code'],
  language: ['language', 'lang', 'locale', 'idioma', 'lingua'],
  tags: ['tags', 'tag', 'labels', 'label', 'groups', 'group', 'segment', 'segments'],
  consent: ['consent', 'marketingconsent', 'optin', 'optedin', 'marketing', 'subscribed', 'newsletter', 'acceptsmarketing'],
};

const squash = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]/g, '');

/**
 * A first mapping of CSV columns to contact fields from the header names: known names for the built-in
 * fields, a custom field's key or label (or an explicit `custom:<key>` header), `ignore` otherwise.
 * Each target is given to the first column that asks for it (tags may take several).
 */
export function guessMapping(header: string[], customFields: { key: string; label: string }[]): Record<string, string> {
  const mapping: Record<string, string> = {};
  const taken = new Set<string>();
  for (const column of header) {
    if (column === '' || Object.hasOwn(mapping, column)) continue;
    const s = squash(column);
    let target: string | undefined;
    const explicit = /^custom:([a-z][a-z0-9_]*)$/i.exec(column.trim());
    if (explicit && customFields.some((f) => f.key === explicit[1]!.toLowerCase())) target = `custom:${explicit[1]!.toLowerCase()}`;
    target ??= IMPORT_FIELDS.find((f) => SYNONYMS[f].includes(s));
    if (!target) {
      const field = customFields.find((f) => squash(f.key) === s || squash(f.label) === s);
      if (field) target = `custom:${field.key}`;
    }
    if (target && target !== 'tags' && taken.has(target)) target = undefined;
    if (target) taken.add(target);
    mapping[column] = target ?? 'ignore';
  }
  return mapping;
}

/** What a mapping still lacks before it can be checked ('' when it is fine). */
export function mappingProblem(mapping: Record<string, string>): string {
  const targets = Object.values(mapping).filter((t) => t !== 'ignore' && t !== 'tags');
  if (!targets.includes('phone')) return 'Choose the column with the phone numbers.';
  const twice = targets.find((t, i) => targets.indexOf(t) !== i);
  return twice ? `Two columns are mapped to ${twice.replace(/^custom:/, '')}; choose one.` : '';
}

/**
 * The PATCH body for the edit form: the fields whose text changed, blank as null (name is never
 * blanked; the server requires one). Undefined when nothing changed.
 */
export function changedFields<K extends string>(before: Record<K, string | null>, after: Record<K, string>): Partial<Record<K, string | null>> | undefined {
  const patch: Partial<Record<K, string | null>> = {};
  for (const key of Object.keys(after) as K[]) {
    const next = after[key].trim();
    if (next === (before[key] ?? '')) continue;
    if (key === 'name' && next === '') continue;
    patch[key] = next === '' ? null : next;
  }
  return Object.keys(patch).length ? patch : undefined;
}
