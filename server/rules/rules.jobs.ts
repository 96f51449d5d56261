import { Cron } from 'croner';
import type { AppDeps } from '../deps.js';
import { newId } from '../lib/ids.js';
import { CALL_WEBHOOK_QUEUE } from './rules.actions.js';
import { createRulesConsumer, RULE_RUN_QUEUE } from './rules.consumer.js';
import { runRule } from './rules.run.js';

const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Automation: the outbox consumer that starts runs, the run queue, outgoing webhook calls, and a timer per
 * enabled schedule rule (croner only decides when; each firing is a durable run, keyed by its slot).
 * Returns a handle to rebuild the timers after rules change, and to stop them.
 */
export function registerRules(deps: AppDeps) {
  deps.outbox.register(createRulesConsumer(deps));
  // Runs due together (follow-ups after an outage, a schedule, waits ending) share one transaction: one
  // fsync for up to 50. Each run commits whole or not at all (its own savepoint): a run that throws is
  // retried from where its last commit left it, and the others of the batch still count.
  deps.worker.registerBatch<{ runId: string }>(
    RULE_RUN_QUEUE,
    (jobs) => {
      const failed = new Map<number, unknown>();
      for (const job of jobs) {
        try {
          deps.db.$client.transaction(() => runRule(deps, job.payload)).immediate();
        } catch (err) {
          failed.set(job.id, err);
        }
      }
      return failed;
    },
    { concurrency: 50, leaseMs: 60_000 },
  );
  deps.worker.register<{ url: string; body: unknown }>(
    CALL_WEBHOOK_QUEUE,
    async (p) => {
      // Its own queue with a timeout: a slow or failing endpoint never holds other work.
      const res = await deps.fetch(p.url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Parley-Automation/1' }, body: JSON.stringify(p.body), signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`${p.url} answered ${res.status}`);
    },
    { concurrency: 4, leaseMs: 30_000 },
  );
  let timers: Cron[] = [];
  const schedule = () => {
    for (const t of timers) t.stop();
    timers = deps.rules
      .enabled()
      .filter((r) => r.trigger.type === 'schedule' && r.trigger.cron)
      .map(
        (r) =>
          new Cron(r.trigger.cron!, { timezone: r.trigger.timezone, protect: true }, (self: Cron) => {
            try {
              if (fireSchedule(deps, r.row.id, (self.currentRun() ?? new Date()).getTime())) deps.notify(RULE_RUN_QUEUE);
            } catch (err) {
              deps.logger.error('rules: schedule firing failed', { ruleId: r.row.id, err });
            }
          }),
      );
  };
  schedule();
  deps.rules.onChange(schedule);
  return {
    stop() {
      for (const t of timers) t.stop();
    },
  };
}

/** A schedule rule's firing at `at`: one run per slot, so two timers or a restart add nothing. */
export function fireSchedule(deps: Pick<AppDeps, 'db' | 'jobs' | 'clock'>, ruleId: string, at: number): boolean {
  const slot = new Date(Math.floor(at / 1000) * 1000).toISOString();
  const id = newId('run');
  const now = deps.clock.now();
  return deps.db.$client
    .transaction(() => {
      const inserted = deps.db.$client
        .prepare(`INSERT INTO rule_runs (id, rule_id, event_key, event_type, event, state, created_at, updated_at) VALUES (?, ?, ?, 'schedule', ?, 'pending', ?, ?) ON CONFLICT (rule_id, event_key) DO NOTHING`)
        .run(id, ruleId, `s:${slot}`, JSON.stringify({ slot }), now, now).changes;
      if (inserted) deps.jobs.enqueue(RULE_RUN_QUEUE, { runId: id }, { idempotencyKey: id, maxAttempts: 5 });
      return inserted > 0;
    })
    .immediate();
}
