import { z } from 'zod';

const DAY_MS = 24 * 60 * 60 * 1000;

/** About ten years: longer is "keep forever", which is `null`. */
export const MAX_RETENTION_DAYS = 3650;

/** How long Parley keeps what it no longer needs. `null` keeps it forever. */
export interface RetentionSettings {
  /** Raw webhook bodies (the archive behind replay and debugging), counted from when they were processed. */
  webhookDays: number | null;
  /** Media files (images, voice notes, documents), counted from when they arrived or were uploaded. */
  mediaDays: number | null;
}

/**
 * Defaults: the raw archive is only a safety net once its events are applied (30 days covers a replay after
 * a month-end bug hunt); media are the customer's conversation history, so nothing is removed unless asked.
 */
export const DEFAULT_RETENTION: RetentionSettings = { webhookDays: 30, mediaDays: null };

/** The settings key holding RetentionSettings as JSON. */
export const RETENTION_SETTING = 'retention';
/** The settings key holding the last run's RetentionRun, for the settings page. */
export const RETENTION_LAST_RUN_SETTING = 'retention.lastRun';

const days = z
  .number({ error: (issue) => (issue.input === undefined ? 'is required (a number of days, or null to keep forever)' : 'must be a number of days, or null to keep forever') })
  .int('must be a whole number of days')
  .min(1, 'must be at least 1 day (or null to keep forever)')
  .max(MAX_RETENTION_DAYS, `must be at most ${MAX_RETENTION_DAYS} days (or null to keep forever)`)
  .nullable();

/** PUT body: both fields, each a whole number of days or null. */
export const retentionBody = z.strictObject({ webhookDays: days, mediaDays: days });

/** What one retention run did (also what the settings page shows as "last run"). */
export interface RetentionRun {
  at: number;
  webhookEventsDeleted: number;
  mediaPurged: number;
  filesDeleted: number;
  /** Files a fresh upload or download touched during the run: kept, a new message is about to use them. */
  filesKept: number;
  /** Stopped early (shutdown); the next run continues. */
  interrupted: boolean;
}

/** Everything stored before this instant is old enough to go; null when the setting keeps it forever. */
export function retentionCutoff(now: number, keepDays: number | null): number | null {
  return keepDays === null ? null : now - keepDays * DAY_MS;
}

/** The reason stored on purged media; the inbox shows it in place of the picture or file. */
export function purgedMediaReason(keepDays: number): string {
  return `Media removed after ${keepDays} day${keepDays === 1 ? '' : 's'} (retention)`;
}

/** Reads a stored setting leniently: a value from an older version falls back field by field. */
export function normalizeRetention(raw: unknown): RetentionSettings {
  const parsed = z.object({ webhookDays: days.optional(), mediaDays: days.optional() }).safeParse(raw);
  const value = parsed.success ? parsed.data : {};
  return {
    webhookDays: value.webhookDays === undefined ? DEFAULT_RETENTION.webhookDays : value.webhookDays,
    mediaDays: value.mediaDays === undefined ? DEFAULT_RETENTION.mediaDays : value.mediaDays,
  };
}
