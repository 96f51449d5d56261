import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { customFields } from '../../db/schema/contacts.js';
import { badRequest } from '../lib/errors.js';

export type CustomFieldEntity = (typeof customFields.$inferSelect)['entity'];
export type CustomFieldRow = typeof customFields.$inferSelect;
export type CustomValues = Record<string, string | number | null>;

export function listCustomFields(db: Db, entity: CustomFieldEntity): CustomFieldRow[] {
  return db.select().from(customFields).where(eq(customFields.entity, entity)).orderBy(asc(customFields.position), asc(customFields.createdAt)).all();
}

export function getCustomField(db: Db, entity: CustomFieldEntity, key: string): CustomFieldRow | undefined {
  return db.select().from(customFields).where(and(eq(customFields.entity, entity), eq(customFields.key, key))).get();
}

export function customFieldToJson(f: CustomFieldRow) {
  return { id: f.id, entity: f.entity, key: f.key, label: f.label, type: f.type, options: JSON.parse(f.options) as string[], position: f.position };
}

/**
 * One value checked against its field's type: text (≤ 1 000 chars), number (finite; numeric strings
 * accepted, as CSV cells are), date (YYYY-MM-DD), select (one of the options). Empty → null (cleared).
 * Returns the value to store or an error message.
 */
export function coerceCustomValue(field: CustomFieldRow, raw: unknown): { value: string | number | null } | { error: string } {
  if (raw === null || raw === undefined || raw === '') return { value: null };
  switch (field.type) {
    case 'text':
      if (typeof raw !== 'string' && typeof raw !== 'number') return { error: 'must be text' };
      if (String(raw).length > 1000) return { error: 'must be at most 1000 characters' };
      return { value: String(raw) };
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : NaN;
      return Number.isFinite(n) ? { value: n } : { error: `must be a number (got "${String(raw)}")` };
    }
    case 'date': {
      const s = String(raw).trim();
      const ok = /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
      return ok ? { value: s } : { error: `must be a date like 2026-03-31 (got "${s}")` };
    }
    case 'select': {
      const options = JSON.parse(field.options) as string[];
      const s = String(raw).trim();
      const match = options.find((o) => o.toLowerCase() === s.toLowerCase());
      return match !== undefined ? { value: match } : { error: `must be one of ${options.map((o) => `"${o}"`).join(', ')} (got "${s}")` };
    }
  }
}

/**
 * Merges `patch` into the stored `current` values after checking every key and value; an unknown key
 * or a bad value is a 400 naming it. A null value removes the key.
 */
export function applyCustomValues(db: Db, entity: CustomFieldEntity, current: string, patch: Record<string, unknown>, label = 'customFields'): string {
  const fields = new Map(listCustomFields(db, entity).map((f) => [f.key, f]));
  const values = JSON.parse(current) as CustomValues;
  for (const [key, raw] of Object.entries(patch)) {
    const field = fields.get(key);
    if (!field) throw badRequest('request.invalid', `${label}.${key}: no such ${entity} field (define it under Settings → Fields)`);
    const r = coerceCustomValue(field, raw);
    if ('error' in r) throw badRequest('request.invalid', `${label}.${key}: ${r.error}`);
    if (r.value === null) delete values[key];
    else values[key] = r.value;
  }
  return JSON.stringify(values);
}
