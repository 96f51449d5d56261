/*
 * A backup is one SQLite file, `DATA_DIR/backups/parley-<UTC time>.db`: a consistent snapshot of the
 * database that also carries its own description (table `parley_backup`) and its media manifest (table
 * `parley_backup_media`: the media files the snapshot refers to, by sha256 key and size). One file
 * downloads as is, is copied or moved in one step, can be opened with any SQLite tool, and its manifest
 * can never be separated from the snapshot it describes. Media bytes are not copied: they are
 * content-addressed and never change, so copying `DATA_DIR/media` at any time is enough.
 */

export const BACKUP_META_TABLE = 'parley_backup';
export const BACKUP_MEDIA_TABLE = 'parley_backup_media';
export const BACKUP_FORMAT = 1;
/** `upgrade`: taken at boot before a new version migrates the database (kept until deleted). */
export const BACKUP_KINDS = ['manual', 'scheduled', 'upgrade'] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

/** Tables whose row counts a backup records and a restore prints (those missing in older schemas are skipped). */
export const COUNTED_TABLES = ['users', 'contacts', 'conversations', 'messages', 'media', 'deals', 'campaigns', 'templates', 'jobs', 'webhook_events'] as const;

/** What a backup says about itself. */
export interface BackupMeta {
  format: number;
  kind: BackupKind;
  /** Epoch ms when the snapshot was taken. */
  createdAt: number;
  appVersion: string;
  /** Migrations applied in the snapshot (a restore refuses one newer than the code). */
  migrations: number;
  counts: Record<string, number>;
  media: { files: number; bytes: number };
}

/** A backup file as listed: its name, size and description (null for a file without one). */
export interface BackupInfo {
  name: string;
  size: number;
  createdAt: number;
  meta: BackupMeta | null;
}

export interface BackupSettings {
  /** Scheduled backups kept (the newest); manual ones stay until deleted. */
  keep: number;
  /** Whether the daily schedule takes backups. */
  daily: boolean;
}

export const BACKUP_SETTINGS_KEY = 'backups';
export const DEFAULT_BACKUP_SETTINGS: BackupSettings = { keep: 7, daily: true };
export const MAX_BACKUP_KEEP = 365;

const NAME = /^parley-\d{4}-\d{2}-\d{2}T\d{6}Z(-\d{1,3})?\.db$/;

/** Whether `name` is a finished backup's file name (partial files start with a dot and never match). */
export function isBackupName(name: string): boolean {
  return NAME.test(name);
}

/** `parley-2026-12-01T030000Z.db`, with `-2`, `-3`… when a backup of the same second exists. */
export function backupName(at: number, taken: (name: string) => boolean): string {
  const stamp = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '');
  for (let n = 1; ; n++) {
    const name = `parley-${stamp}${n === 1 ? '' : `-${n}`}.db`;
    if (!taken(name)) return name;
  }
}

/** The scheduled backups beyond the newest `keep`; manual ones and files without a description are never pruned. */
export function backupsToPrune(backups: BackupInfo[], keep: number): string[] {
  return backups
    .filter((b) => b.meta?.kind === 'scheduled')
    .sort((a, b) => b.createdAt - a.createdAt || b.name.localeCompare(a.name))
    .slice(Math.max(0, keep))
    .map((b) => b.name);
}

/** Stored settings with defaults for anything missing or out of range. */
export function normalizeBackupSettings(raw: unknown): BackupSettings {
  const value = (raw && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof BackupSettings, unknown>>;
  const keep = typeof value.keep === 'number' && Number.isInteger(value.keep) && value.keep >= 1 && value.keep <= MAX_BACKUP_KEEP ? value.keep : DEFAULT_BACKUP_SETTINGS.keep;
  const daily = typeof value.daily === 'boolean' ? value.daily : DEFAULT_BACKUP_SETTINGS.daily;
  return { keep, daily };
}

/** Parses the description stored in a backup; null when it is not one this code understands. */
export function parseBackupMeta(json: string): BackupMeta | null {
  try {
    const v = JSON.parse(json) as Partial<BackupMeta>;
    if (typeof v.format !== 'number' || typeof v.createdAt !== 'number' || !BACKUP_KINDS.includes(v.kind as BackupKind)) return null;
    return { format: v.format, kind: v.kind!, createdAt: v.createdAt, appVersion: String(v.appVersion ?? ''), migrations: Number(v.migrations ?? 0), counts: v.counts ?? {}, media: v.media ?? { files: 0, bytes: 0 } };
  } catch {
    return null;
  }
}

/** `contacts 12, conversations 30, messages 1,200` for operator output. */
export function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([table, n]) => `${table.replace(/_/g, ' ')} ${n.toLocaleString('en-US')}`)
    .join(', ');
}
