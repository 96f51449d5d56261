import type { AppDeps } from '../deps.js';
import type { Schedule } from '../jobs/jobs.schedules.js';
import { purgeInBatches, registerPurgeJob, type PurgeOptions, type PurgeResult } from '../lib/purge.js';

export const RULES_PURGE_QUEUE = 'rules.purge-runs';
/** Finished runs are kept this long for the run log… */
export const RUN_KEEP_DAYS = 90;
/** …and each rule's newest this many whatever their age (a rule that fires rarely keeps its history). */
export const RUNS_KEPT_PER_RULE = 1000;

/** Once a day at a quiet hour (server time). */
export const RULE_SCHEDULES: readonly Schedule[] = [{ name: 'rules.purge-runs', cron: '53 4 * * *', queue: RULES_PURGE_QUEUE }];

const FINISHED = `state IN ('done', 'skipped', 'failed', 'cancelled')`;

/**
 * Deletes finished runs (done, skipped, failed, cancelled) created over RUN_KEEP_DAYS ago, except each
 * rule's newest RUNS_KEPT_PER_RULE; pending and waiting runs always stay. Per rule through the
 * `(rule_id, created_at)` index, 500 rows per transaction. Runs of deleted rules age out the same way.
 */
export async function purgeOldRuleRuns(deps: Pick<AppDeps, 'db' | 'clock'>, opts: PurgeOptions = {}): Promise<PurgeResult> {
  const cutoff = deps.clock.now() - RUN_KEEP_DAYS * 86_400_000;
  const sqlite = deps.db.$client;
  // Only rules with more runs than are kept regardless can lose any.
  const crowded = sqlite.prepare(`SELECT rule_id AS id FROM rule_runs GROUP BY rule_id HAVING count(*) > ?`).all(RUNS_KEPT_PER_RULE) as { id: string }[];
  const keepFrom = sqlite.prepare(`SELECT created_at AS at FROM rule_runs WHERE rule_id = ? ORDER BY created_at DESC LIMIT 1 OFFSET ?`);
  let deleted = 0;
  for (const { id } of crowded) {
    const kept = keepFrom.get(id, RUNS_KEPT_PER_RULE - 1) as { at: number } | undefined;
    if (!kept) continue;
    // Older than both the cut-off and the oldest of the newest 1000 (ties at that instant stay too).
    const before = Math.min(cutoff, kept.at);
    const r = await purgeInBatches(deps.db, 'rule_runs', `rule_id = ? AND created_at < ? AND ${FINISHED}`, [id, before], opts);
    deleted += r.deleted;
    if (r.interrupted) return { deleted, interrupted: true };
  }
  return { deleted, interrupted: false };
}

/** Registers the daily purge of the run log. */
export function registerRulePurge(deps: Pick<AppDeps, 'worker' | 'db' | 'clock' | 'logger'>): void {
  registerPurgeJob(deps, RULES_PURGE_QUEUE, 'old rule runs', (opts) => purgeOldRuleRuns(deps, opts));
}
