import { and, asc, eq } from 'drizzle-orm';
import { prepared, type Db } from '../../db/client.js';
import { templates } from '../../db/schema/whatsapp.js';
import { toIso } from '../lib/clock.js';
import { newId } from '../lib/ids.js';

export type TemplateRow = typeof templates.$inferSelect;

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

/**
 * Upserts templates as Graph lists them (`GET /{waba}/message_templates`), keyed by (waba, name, language).
 * Returns how many rows were written.
 */
export function upsertTemplates(db: Db, wabaId: string, items: Record<string, unknown>[], now: number): number {
  const upsert = prepared(db, 'templates.upsert', () =>
    db.$client.prepare(
      `INSERT INTO templates (id, waba_id, wa_template_id, name, language, category, status, quality, rejected_reason, components, parameter_format, updated_at)
       VALUES (@id, @wabaId, @waTemplateId, @name, @language, @category, @status, @quality, @rejectedReason, @components, @parameterFormat, @now)
       ON CONFLICT (waba_id, name, language) DO UPDATE SET wa_template_id = excluded.wa_template_id, category = excluded.category,
         status = excluded.status, quality = excluded.quality, rejected_reason = excluded.rejected_reason,
         components = excluded.components, parameter_format = excluded.parameter_format, updated_at = excluded.updated_at`,
    ),
  );
  let n = 0;
  for (const t of items) {
    const name = str(t.name);
    const language = str(t.language);
    if (!name || !language) continue;
    const quality = t.quality_score && typeof t.quality_score === 'object' ? str((t.quality_score as { score?: unknown }).score) : null;
    upsert.run({
      id: newId('tpl'),
      wabaId,
      waTemplateId: str(t.id),
      name,
      language,
      category: str(t.category),
      status: str(t.status) ?? 'UNKNOWN',
      quality,
      rejectedReason: str(t.rejected_reason),
      components: JSON.stringify(Array.isArray(t.components) ? t.components : []),
      parameterFormat: str(t.parameter_format),
      now,
    });
    n++;
  }
  return n;
}

export function listTemplates(db: Db, f: { wabaId?: string; status?: string }) {
  const where = [];
  if (f.wabaId) where.push(eq(templates.wabaId, f.wabaId));
  if (f.status) where.push(eq(templates.status, f.status));
  return db.select().from(templates).where(where.length ? and(...where) : undefined).orderBy(asc(templates.name), asc(templates.language)).all();
}

/** Number of `{{n}}` / `{{name}}` placeholders in a template's BODY. */
export function bodyParameters(components: unknown[]): string[] {
  const body = components.find((c): c is { type: string; text?: string } => !!c && typeof c === 'object' && (c as { type?: string }).type === 'BODY');
  return [...new Set([...(body?.text ?? '').matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]!))];
}

export function templateToJson(t: TemplateRow) {
  const components = JSON.parse(t.components) as unknown[];
  return {
    id: t.id,
    wabaId: t.wabaId,
    waTemplateId: t.waTemplateId,
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    quality: t.quality,
    rejectedReason: t.rejectedReason,
    parameterFormat: t.parameterFormat,
    components,
    bodyParameters: bodyParameters(components),
    updatedAt: toIso(t.updatedAt),
  };
}
