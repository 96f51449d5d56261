import { Hono } from 'hono';
import { z } from 'zod';
import { inTransaction } from '../../db/client.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { requireAuth, requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { readJson, readQuery, type AppEnv } from '../lib/http.js';
import { exportContactsCsv } from './contacts.export.js';
import { applyImport, importBody, IMPORT_MAX_CSV_BYTES, planImport } from './contacts.import.js';

/** Request body limit for POST /contacts/import: the CSV's 5 MB plus room for JSON escaping of quotes and newlines. */
export const CONTACTS_IMPORT_BODY_LIMIT = 2 * IMPORT_MAX_CSV_BYTES + 64 * 1024;

const exportQuery = z.object({ q: z.string().trim().max(100).optional(), tag: z.string().max(100).optional(), ownerId: z.string().max(100).optional() });

/**
 * CSV in and out. Mounted before the contact routes so `/contacts/export` is not read as a contact id.
 */
export function createContactsImportRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  return new Hono<AppEnv>()
    /** `text/csv` download of the contacts matching `?q=&tag=&ownerId=` (as the list filters them). */
    // The whole customer list leaves (or enters) the building: owners and admins only.
    .get('/contacts/export', requireAuth, requireRole('owner', 'admin'), (c) => {
      const q = readQuery(c, exportQuery);
      const filters = { q: q.q || undefined, tag: q.tag, ownerId: q.ownerId };
      const { csv, count } = exportContactsCsv(db, filters);
      const now = clock.now();
      recordAudit(db, actorOf(c.get('auth')), { action: 'contact.exported', entityType: 'contact', entityId: null, after: { count, filters } }, now);
      return c.body(csv, 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="contacts-${new Date(now).toISOString().slice(0, 10)}.csv"`,
        'Cache-Control': 'no-store',
      });
    })

    /**
     * Imports contacts from CSV text with a column mapping. `dryRun: true` only reports; otherwise the
     * valid rows are written in one transaction and the report says what was done.
     */
    .post('/contacts/import', requireAuth, requireRole('owner', 'admin'), async (c) => {
      const body = await readJson(c, importBody);
      if (body.dryRun) return c.json({ data: planImport(db, body).report });
      const now = clock.now();
      // Planned inside the write transaction, so the duplicate check and the inserts see the same contacts.
      const report = inTransaction(db, () => {
        const { report, plan } = planImport(db, body);
        applyImport(db, plan, now);
        const { errors, duplicates, ...counts } = report;
        recordAudit(db, actorOf(c.get('auth')), { action: 'contact.imported', entityType: 'contact', entityId: null, after: { ...counts, errors: errors.length, duplicates: duplicates.length, onDuplicate: body.onDuplicate } }, now);
        return report;
      });
      if (report.created + report.updated > 0) deps.bus.publish({ type: 'contacts.imported', data: { created: report.created, updated: report.updated } });
      return c.json({ data: report });
    });
}
