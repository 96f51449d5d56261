import { api } from '../../lib/api/client';

/** A backup file as the server lists it. */
export interface Backup {
  name: string;
  size: number;
  createdAt: string;
  kind: 'manual' | 'scheduled' | 'upgrade' | null;
  appVersion: string | null;
  counts: Record<string, number> | null;
  media: { files: number; bytes: number } | null;
  downloadUrl: string;
}

/** The nightly schedule: on/off, how many nightly backups are kept, its cron pattern, and whether one runs now. */
export interface BackupSettings {
  keep: number;
  daily: boolean;
  schedule: string;
  running: boolean;
}

export const fetchBackups = () => api<Backup[]>('/backups');
export const takeBackup = () => api<Backup>('/backups', { method: 'POST' });
export const deleteBackup = (name: string) => api<void>(`/backups/${encodeURIComponent(name)}`, { method: 'DELETE' });
export const fetchBackupSettings = () => api<BackupSettings>('/settings/backups');
export const saveBackupSettings = (body: { keep: number; daily: boolean }) => api<BackupSettings>('/settings/backups', { method: 'PUT', body });
