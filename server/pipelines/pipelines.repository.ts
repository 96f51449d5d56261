import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { inTransaction, type Db } from '../../db/client.js';
import { deals, pipelines, pipelineStages } from '../../db/schema/pipelines.js';
import { recordAudit } from '../audit/audit.js';
import { toIso } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { formatMinor, type StageOutcome } from './pipelines.models.js';

export type PipelineRow = typeof pipelines.$inferSelect;
export type StageRow = typeof pipelineStages.$inferSelect;

/** What a fresh install shows: a simple sales funnel. */
export const DEFAULT_PIPELINE: { name: string; stages: { name: string; outcome: StageOutcome }[] } = {
  name: 'Sales',
  stages: [
    { name: 'New', outcome: 'open' },
    { name: 'Qualified', outcome: 'open' },
    { name: 'Proposal', outcome: 'open' },
    { name: 'Won', outcome: 'won' },
    { name: 'Lost', outcome: 'lost' },
  ],
};

/** One pipeline by id. */
export function getPipeline(db: Db, id: string): PipelineRow | undefined {
  return db.select().from(pipelines).where(eq(pipelines.id, id)).get();
}

/** One stage by id (of any pipeline). */
export function getStage(db: Db, id: string): StageRow | undefined {
  return db.select().from(pipelineStages).where(eq(pipelineStages.id, id)).get();
}

/** Pipelines in display order. */
export function listPipelines(db: Db): PipelineRow[] {
  return db.select().from(pipelines).orderBy(asc(pipelines.position), asc(pipelines.createdAt)).all();
}

/** Stages of one pipeline (or of all when no id), in order. */
export function listStages(db: Db, pipelineId?: string): StageRow[] {
  return db
    .select()
    .from(pipelineStages)
    .where(pipelineId ? eq(pipelineStages.pipelineId, pipelineId) : undefined)
    .orderBy(asc(pipelineStages.pipelineId), asc(pipelineStages.position))
    .all();
}

/** Inserts a pipeline and its stages (call inside a transaction). */
export function insertPipeline(db: Db, input: { name: string; stages: { name: string; outcome: StageOutcome }[] }, now: number): PipelineRow {
  const position = (db.select({ max: sql<number | null>`max(${pipelines.position})` }).from(pipelines).get()?.max ?? -1) + 1;
  const row = { id: newId('pl'), name: input.name, position, createdAt: now, updatedAt: now };
  db.insert(pipelines).values(row).run();
  input.stages.forEach((s, i) => db.insert(pipelineStages).values({ id: newId('stg'), pipelineId: row.id, name: s.name, outcome: s.outcome, position: i, createdAt: now }).run());
  return row;
}

/**
 * Creates the default "Sales" pipeline when there is no pipeline at all, so a fresh install has a
 * board to show and somewhere to put the first deal. Idempotent; runs in its own (nested) transaction.
 */
export function ensureDefaultPipeline(db: Db, now: number): void {
  if (db.select({ id: pipelines.id }).from(pipelines).limit(1).get()) return;
  inTransaction(db, () => {
    if (db.select({ id: pipelines.id }).from(pipelines).limit(1).get()) return;
    const row = insertPipeline(db, DEFAULT_PIPELINE, now);
    recordAudit(db, { kind: 'system', id: null }, { action: 'pipeline.created', entityType: 'pipeline', entityId: row.id, after: DEFAULT_PIPELINE }, now);
  });
}

/** Per stage: how many deals it holds and their amounts summed by currency (deals visible under `scope`). */
export function stageStats(db: Db, scope: SQL | undefined) {
  // total() (a float) instead of sum(): it cannot overflow, and it is exact while totals stay under 2^53.
  const rows = db
    .select({ stageId: deals.stageId, currency: deals.currency, count: sql<number>`count(*)`, total: sql<number>`total(${deals.amountMinor})`, priced: sql<number>`count(${deals.amountMinor})` })
    .from(deals)
    .where(scope ? and(scope) : undefined)
    .groupBy(deals.stageId, deals.currency)
    .all();
  const stats = new Map<string, { dealCount: number; totals: { currency: string; amount: string }[] }>();
  for (const r of rows) {
    const s = stats.get(r.stageId) ?? { dealCount: 0, totals: [] };
    s.dealCount += r.count;
    if (r.currency && r.priced > 0) s.totals.push({ currency: r.currency, amount: formatMinor(BigInt(Math.round(r.total)), r.currency) });
    stats.set(r.stageId, s);
  }
  for (const s of stats.values()) s.totals.sort((a, b) => a.currency.localeCompare(b.currency));
  return stats;
}

/** The API shape of a pipeline with its ordered stages and, per stage, its deal count and totals. */
export function pipelineToJson(p: PipelineRow, stages: StageRow[], stats: ReturnType<typeof stageStats>) {
  return {
    id: p.id,
    name: p.name,
    position: p.position,
    stages: stages.map((s) => ({
      id: s.id,
      name: s.name,
      outcome: s.outcome,
      position: s.position,
      dealCount: stats.get(s.id)?.dealCount ?? 0,
      totals: stats.get(s.id)?.totals ?? [],
    })),
    createdAt: toIso(p.createdAt),
    updatedAt: toIso(p.updatedAt),
  };
}
