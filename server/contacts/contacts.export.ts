import type { Db } from '../../db/client.js';
import { users } from '../../db/schema/auth.js';
import { listCustomFields } from '../custom-fields/custom-fields.js';
import { toIso } from '../lib/clock.js';
import { toCsv } from './contacts.csv.js';
import { listContacts, tagsOf, type ContactFilters } from './contacts.repository.js';

/**
 * Contacts matching the list filters as CSV, newest first: the standard columns, then one `custom:<key>`
 * column per contact custom field (the names an import maps back). Cells are formula-guarded.
 */
export function exportContactsCsv(db: Db, filters: ContactFilters): { csv: string; count: number } {
  const fields = listCustomFields(db, 'contact');
  const ownerEmail = new Map(db.select({ id: users.id, email: users.email }).from(users).all().map((u) => [u.id, u.email]));
  const rows: (string | number | null)[][] = [
    ['id', 'name', 'phone', 'email', 'company', 'reference', 'language', 'tags', 'owner_email', 'created_at', ...fields.map((f) => `custom:${f.key}`)],
  ];
  const matching = listContacts(db, filters);
  const tags = tagsOf(db, matching.length > 500 ? 'all' : matching.map((r) => r.id));
  for (const r of matching) {
    const custom = JSON.parse(r.customFields) as Record<string, string | number>;
    rows.push([
      r.id, r.name, r.phone, r.email, r.company, r.reference, r.language, (tags.get(r.id) ?? []).join(', '),
      r.ownerId ? (ownerEmail.get(r.ownerId) ?? null) : null, toIso(r.createdAt), ...fields.map((f) => custom[f.key] ?? null),
    ]);
  }
  return { csv: toCsv(rows), count: rows.length - 1 };
}
