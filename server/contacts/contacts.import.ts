import { and, eq, inArray } from 'drizzle-orm';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { prepared, type Db } from '../../db/client.js';
import { contactIdentities, contacts } from '../../db/schema/contacts.js';
import { coerceCustomValue, listCustomFields, type CustomFieldRow, type CustomValues } from '../custom-fields/custom-fields.js';
import { badRequest } from '../lib/errors.js';
import { CsvError, isBlankRecord, parseCsv, unguardFormula, type CsvRecord } from './contacts.csv.js';
import { normalizePhone, waIdFromPhone } from './contacts.phone.js';
import { emailAddress, languageCode } from './contacts.schemas.js';
import { addTags, chunks, createContact, defaultRegion, phoneProblem } from './contacts.usecases.js';
import { recordConsent, type ConsentStatus } from '../consent/consent.usecases.js';

export const IMPORT_MAX_CSV_BYTES = 5 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 50_000;

const TARGET = /^(name|phone|email|company|reference|language|tags|consent|ignore|custom:[a-z][a-z0-9_]{0,39})$/;

export const importBody = z.object({
  csv: z.string().min(1, 'is empty'),
  /** CSV header → contact field; columns left out are ignored. */
  mapping: z.record(z.string(), z.string().regex(TARGET, 'must be name, phone, email, company, reference, language, tags, consent, custom:<key> or ignore')),
  dryRun: z.boolean(),
  onDuplicate: z.enum(['skip', 'update']).default('skip'),
});
export type ImportInput = z.infer<typeof importBody>;

/**
 * What an import did (or, on a dry run, would do). `row` is the row number a spreadsheet shows for the
 * record: the header is row 1, the first data row is row 2, blank lines count.
 */
export interface ImportReport {
  rows: number;
  valid: number;
  created: number;
  updated: number;
  skipped: number;
  errors: { row: number; field: string; message: string }[];
  duplicates: { row: number; phone: string; contactId?: string; duplicateOfRow?: number }[];
}

interface RowValues {
  name: string | null;
  phone: string;
  email: string | null;
  company: string | null;
  reference: string | null;
  language: string | null;
  tags: string[];
  /** Marketing consent the business collected (recorded with source `import`), or null to leave it. */
  consent: ConsentStatus | null;
  custom: CustomValues;
}

const CONSENT_YES = new Set(['yes', 'y', 'true', '1', 'opted_in', 'opt-in', 'opt in', 'subscribed', 'si', 'sí', 'sim', 'oui', 'ja']);
const CONSENT_NO = new Set(['no', 'n', 'false', '0', 'opted_out', 'opt-out', 'opt out', 'unsubscribed', 'não', 'nao', 'non', 'nein']);

export type PlannedRow = { row: number; values: RowValues } & ({ action: 'create' } | { action: 'update'; contactId: string });

/** E.164 for a phone cell: local numbers read with the region; digits a spreadsheet stripped the "+" (or wrote 00) from read as international. */
export function readImportPhone(raw: string, region: CountryCode | undefined): string | null {
  const phone = normalizePhone(raw, region);
  if (phone) return phone;
  const digits = raw.replace(/[\s().-]/g, '').replace(/^00/, '');
  return /^\d{8,15}$/.test(digits) ? normalizePhone(`+${digits}`) : null;
}

/**
 * Reads and checks an import without writing: maps columns, normalises phones with the default region,
 * validates every cell, and finds duplicates against existing contacts (by phone or WhatsApp id) and within
 * the file (the first occurrence wins). A bad mapping or file is a 400; a bad row is reported and skipped.
 */
export function planImport(db: Db, input: ImportInput): { report: ImportReport; plan: PlannedRow[] } {
  if (Buffer.byteLength(input.csv, 'utf8') > IMPORT_MAX_CSV_BYTES) {
    throw badRequest('contacts.import_too_large', `csv: over ${IMPORT_MAX_CSV_BYTES / 1024 / 1024} MB; split the file`);
  }
  let records: CsvRecord[];
  try {
    records = parseCsv(input.csv);
  } catch (err) {
    if (err instanceof CsvError) throw badRequest('contacts.import_invalid_csv', `csv: ${err.message}`);
    throw err;
  }
  const headerAt = records.findIndex((r) => !isBlankRecord(r));
  if (headerAt < 0) throw badRequest('request.invalid', 'csv: has no header row');
  const header = records[headerAt]!.cells.map((h) => h.trim());
  const columns = resolveMapping(db, header, input.mapping);
  const dataRows = records.slice(headerAt + 1).map((r, i) => ({ row: headerAt + i + 2, cells: r.cells, blank: isBlankRecord(r) })).filter((r) => !r.blank);
  if (dataRows.length > IMPORT_MAX_ROWS) throw badRequest('contacts.import_too_large', `csv: ${dataRows.length} rows; at most ${IMPORT_MAX_ROWS} per import`);

  const region = defaultRegion(db);
  const report: ImportReport = { rows: dataRows.length, valid: 0, created: 0, updated: 0, skipped: 0, errors: [], duplicates: [] };
  const checked: { row: number; values: RowValues }[] = [];
  for (const { row, cells } of dataRows) {
    const errors: ImportReport['errors'] = [];
    const values = readRow(cells, columns, region, (field, message) => errors.push({ row, field, message }));
    if (errors.length || !values) {
      report.errors.push(...errors);
      report.skipped++;
    } else {
      report.valid++;
      checked.push({ row, values });
    }
  }

  const existing = contactsByPhone(db, [...new Set(checked.map((r) => r.values.phone))]);
  const firstRow = new Map<string, number>();
  const plan: PlannedRow[] = [];
  for (const { row, values } of checked) {
    const contactId = existing.get(values.phone);
    const earlier = firstRow.get(values.phone);
    if (earlier !== undefined) {
      report.duplicates.push({ row, phone: values.phone, ...(contactId ? { contactId } : {}), duplicateOfRow: earlier });
      report.skipped++;
      continue;
    }
    firstRow.set(values.phone, row);
    if (contactId) {
      report.duplicates.push({ row, phone: values.phone, contactId });
      if (values.consent === 'opted_in' && optedOutThemselves(db, contactId)) {
        // A customer's own STOP (keyword, Meta preference, blocked delivery) outranks a list.
        values.consent = null;
        report.errors.push({ row, field: 'consent', message: 'kept opted out: this customer opted out themselves; only they (or a person recording new consent) can opt back in' });
      }
      if (input.onDuplicate === 'update') {
        report.updated++;
        plan.push({ row, values, action: 'update', contactId });
      } else report.skipped++;
    } else {
      report.created++;
      plan.push({ row, values, action: 'create' });
    }
  }
  return { report, plan };
}

function optedOutThemselves(db: Db, contactId: string): boolean {
  const c = db.$client.prepare('SELECT marketing_opt_out AS optOut, consent_source AS source FROM contacts WHERE id = ?').get(contactId) as { optOut: number; source: string | null } | undefined;
  return !!c && c.optOut === 1 && (c.source === 'keyword' || c.source === 'meta_preference' || c.source === 'delivery_error');
}

/** Writes a plan from planImport (inside the caller's transaction): new contacts as POST /contacts makes them, updates fill given cells. */
export function applyImport(db: Db, plan: PlannedRow[], now: number): void {
  // Given cells overwrite, blank ones keep the stored value; custom values merge into the stored object.
  const update = prepared(db, 'contacts.importUpdate', () =>
    db.$client.prepare(
      `UPDATE contacts SET name = coalesce(@name, name), email = coalesce(@email, email), company = coalesce(@company, company),
         reference = coalesce(@reference, reference), language = coalesce(@language, language),
         custom_fields = json_patch(custom_fields, @custom), updated_at = @now WHERE id = @id`,
    ),
  );
  for (const p of plan) {
    const v = p.values;
    let contactId: string;
    if (p.action === 'create') {
      contactId = createContact(db, { ...v, customFields: JSON.stringify(v.custom) }, now, 'import').id;
    } else {
      contactId = p.contactId;
      update.run({ id: p.contactId, name: v.name, email: v.email, company: v.company, reference: v.reference, language: v.language, custom: JSON.stringify(v.custom), now });
      addTags(db, p.contactId, v.tags, now);
    }
    if (v.consent) recordConsent(db, contactId, { status: v.consent, source: 'import', detail: `import row ${p.row}` }, now);
  }
}

type Column = { index: number; target: string; field?: CustomFieldRow };

/** Columns to read, from the mapping checked against the header and the contact custom fields (400 naming the entry). */
function resolveMapping(db: Db, header: string[], mapping: Record<string, string>): Column[] {
  const fields = new Map(listCustomFields(db, 'contact').map((f) => [f.key, f]));
  const columns: Column[] = [];
  const used = new Map<string, string>();
  for (const [name, target] of Object.entries(mapping)) {
    const at = header.indexOf(name.trim());
    if (at < 0) throw badRequest('request.invalid', `mapping.${name}: no such column in the CSV (columns: ${header.join(', ')})`);
    if (header.indexOf(name.trim(), at + 1) >= 0) throw badRequest('request.invalid', `mapping.${name}: the CSV has two columns with this name`);
    if (target === 'ignore') continue;
    if (target !== 'tags' && used.has(target)) throw badRequest('request.invalid', `mapping.${name}: ${target} is already read from column "${used.get(target)}"`);
    used.set(target, name);
    const field = target.startsWith('custom:') ? fields.get(target.slice(7)) : undefined;
    if (target.startsWith('custom:') && !field) throw badRequest('request.invalid', `mapping.${name}: no contact field with key "${target.slice(7)}" (define it under Settings → Fields)`);
    columns.push({ index: at, target, field });
  }
  if (!used.has('phone')) throw badRequest('request.invalid', 'mapping: map one column to phone');
  return columns;
}

const TEXT_LIMITS = { name: 200, company: 200, reference: 100 } as const;

/** One data row read and checked; every problem goes to `fail` (then the row is skipped). */
function readRow(cells: string[], columns: Column[], region: CountryCode | undefined, fail: (field: string, message: string) => void): RowValues | null {
  const v: RowValues = { name: null, phone: '', email: null, company: null, reference: null, language: null, tags: [], consent: null, custom: {} };
  for (const col of columns) {
    const raw = unguardFormula((cells[col.index] ?? '').trim());
    const t = col.target;
    if (t === 'phone') {
      const phone = raw ? readImportPhone(raw, region) : null;
      if (phone) v.phone = phone;
      else fail('phone', raw ? phoneProblem(raw, region) : 'is required');
    } else if (t === 'name' || t === 'company' || t === 'reference') {
      if (raw.length > TEXT_LIMITS[t]) fail(t, `must be at most ${TEXT_LIMITS[t]} characters`);
      else v[t] = raw || null;
    } else if (t === 'email') {
      const r = emailAddress.safeParse(raw);
      if (r.success) v.email = r.data;
      else fail('email', `${r.error.issues[0]!.message} (got "${raw}")`);
    } else if (t === 'language') {
      const r = languageCode.safeParse(raw);
      if (!raw) v.language = null;
      else if (r.success) v.language = r.data;
      else fail('language', `${r.error.issues[0]!.message} (got "${raw}")`);
    } else if (t === 'tags') {
      const tags = raw.split(/[,;|]/).map((s) => s.trim()).filter(Boolean);
      const long = tags.find((s) => s.length > 50);
      if (long) fail('tags', `"${long}" is over 50 characters`);
      v.tags = [...new Set([...v.tags, ...tags])];
      if (v.tags.length > 20) fail('tags', 'at most 20 tags per contact');
    } else if (t === 'consent') {
      const word = raw.toLowerCase();
      if (CONSENT_YES.has(word)) v.consent = 'opted_in';
      else if (CONSENT_NO.has(word)) v.consent = 'opted_out';
      else if (raw) fail('consent', `must be yes or no (got "${raw}")`);
    } else if (col.field) {
      const r = coerceCustomValue(col.field, raw);
      if ('error' in r) fail(t, r.error);
      else if (r.value !== null) v.custom[col.field.key] = r.value;
    }
  }
  return v.phone ? v : null;
}

/** Existing contacts for E.164 numbers: by stored phone first (oldest wins), else by WhatsApp id. */
function contactsByPhone(db: Db, phones: string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const chunk of chunks(phones, 500)) {
    const byWaId = new Map(chunk.map((p) => [waIdFromPhone(p), p]));
    const identities = db
      .select({ value: contactIdentities.value, contactId: contactIdentities.contactId })
      .from(contactIdentities)
      .where(and(eq(contactIdentities.kind, 'wa_id'), inArray(contactIdentities.value, [...byWaId.keys()])))
      .all();
    for (const i of identities) found.set(byWaId.get(i.value)!, i.contactId);
    const rows = db.select({ id: contacts.id, phone: contacts.phone }).from(contacts).where(inArray(contacts.phone, chunk)).orderBy(contacts.createdAt).all();
    const byPhone = new Map<string, string>();
    for (const r of rows) if (!byPhone.has(r.phone!)) byPhone.set(r.phone!, r.id);
    for (const [phone, id] of byPhone) found.set(phone, id);
  }
  return found;
}
