import { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { badRequest } from '../lib/errors.js';
import { readQuery, type AppEnv } from '../lib/http.js';
import { formatMinor } from '../pipelines/pipelines.models.js';
import { adsReport } from './ads.report.js';
import { cycleMedians, daysBetween, type CycleRow } from './reports.models.js';

const DAY = 86_400_000;
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-23')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a calendar date');
const reportQuery = z.object({
  from: date.optional(),
  to: date.optional(),
  /** The viewer's UTC offset in minutes (east positive), so days match their calendar. */
  offset: z.coerce.number().int().min(-14 * 60).max(14 * 60).default(0),
});

const adsQuery = z.object({
  /** Ad clicks of the last N days. */
  days: z.coerce.number().int().min(1).max(366).default(30),
  /** Attribution window: replies and won deals within N days of the click. */
  window: z.coerce.number().int().min(1).max(90).default(7),
});

/**
 * Reports for owners and admins: message volume by day, first-response and resolution medians per
 * agent and team (over cycles resolved in the range), open deals by stage, won value by pipeline.
 * A read model across domains: it only reads, with one query per figure.
 */
export function createReportsRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const sqlite = db.$client;
  return new Hono<AppEnv>()
    .get('/reports/ads', requireAuth, requireRole('owner', 'admin'), (c) => {
      const q = readQuery(c, adsQuery);
      return c.json({ data: adsReport(db, { since: clock.now() - q.days * DAY, windowDays: q.window }) });
    })
    .get('/reports', requireAuth, requireRole('owner', 'admin'), (c) => {
    const q = readQuery(c, reportQuery);
    const offsetMs = q.offset * 60_000;
    const today = new Date(clock.now() + offsetMs).toISOString().slice(0, 10);
    const to = q.to ?? today;
    const from = q.from ?? new Date(Date.parse(to) - 29 * DAY).toISOString().slice(0, 10);
    const days = daysBetween(from, to);
    if (days.length === 0) throw badRequest('request.invalid', 'from: must not be after to');
    if (days.length > 366) throw badRequest('request.invalid', 'from: the range is at most 366 days');
    const start = Date.parse(`${from}T00:00:00Z`) - offsetMs;
    const end = Date.parse(`${to}T00:00:00Z`) + DAY - offsetMs;

    const volumeRows = sqlite
      .prepare(
        `SELECT strftime('%Y-%m-%d', (timestamp + ?) / 1000, 'unixepoch') AS day, direction, count(*) AS n
         FROM messages WHERE timestamp >= ? AND timestamp < ? GROUP BY day, direction`,
      )
      .all(offsetMs, start, end) as { day: string; direction: 'inbound' | 'outbound'; n: number }[];
    const volume = new Map(days.map((d) => [d, { day: d, inbound: 0, outbound: 0 }]));
    for (const r of volumeRows) {
      const v = volume.get(r.day);
      if (v) v[r.direction] = r.n;
    }

    const cycles = sqlite
      .prepare(`SELECT assignee_id AS assigneeId, team_id AS teamId, opened_at AS openedAt, first_response_at AS firstResponseAt, resolved_at AS resolvedAt FROM conversation_cycles WHERE resolved_at >= ? AND resolved_at < ?`)
      .all(start, end) as (Omit<CycleRow, 'key'> & { assigneeId: string | null; teamId: string | null })[];
    const names = new Map((sqlite.prepare(`SELECT id, coalesce(name, email) AS name FROM users UNION ALL SELECT id, name FROM teams`).all() as { id: string; name: string }[]).map((r) => [r.id, r.name]));
    const named = (rows: ReturnType<typeof cycleMedians>) => rows.map(({ key, ...r }) => ({ id: key, name: key ? (names.get(key) ?? key) : null, ...r }));

    const openByStage = sqlite
      .prepare(
        `SELECT p.id AS pipelineId, p.name AS pipelineName, s.id AS stageId, s.name AS stageName, s.position, d.currency,
                count(d.id) AS deals, total(d.amount_minor) AS amountMinor
         FROM pipeline_stages s JOIN pipelines p ON p.id = s.pipeline_id
         LEFT JOIN deals d ON d.stage_id = s.id
         WHERE s.outcome = 'open'
         GROUP BY s.id, d.currency ORDER BY p.position, p.name, s.position`,
      )
      .all() as { pipelineId: string; pipelineName: string; stageId: string; stageName: string; position: number; currency: string | null; deals: number; amountMinor: number }[];
    const wonByPipeline = sqlite
      .prepare(
        `SELECT p.id AS pipelineId, p.name AS pipelineName, d.currency, count(*) AS deals, total(d.amount_minor) AS amountMinor
         FROM deals d JOIN pipeline_stages s ON s.id = d.stage_id JOIN pipelines p ON p.id = d.pipeline_id
         WHERE s.outcome = 'won' AND d.closed_at >= ? AND d.closed_at < ?
         GROUP BY p.id, d.currency ORDER BY p.position, p.name`,
      )
      .all(start, end) as { pipelineId: string; pipelineName: string; currency: string | null; deals: number; amountMinor: number }[];

    return c.json({
      data: {
        from,
        to,
        offset: q.offset,
        volume: [...volume.values()],
        responseByAgent: named(cycleMedians(cycles.map((r) => ({ ...r, key: r.assigneeId })))),
        responseByTeam: named(cycleMedians(cycles.map((r) => ({ ...r, key: r.teamId })))),
        openByStage: openByStage.map((r) => ({ ...r, amount: formatMinor(BigInt(Math.round(r.amountMinor)), r.currency ?? 'EUR') })),
        wonByPipeline: wonByPipeline.map((r) => ({ ...r, amount: formatMinor(BigInt(Math.round(r.amountMinor)), r.currency ?? 'EUR') })),
      },
    });
  });
}
