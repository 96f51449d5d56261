import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { createAction } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { deleteBackup, fetchBackups, fetchBackupSettings, saveBackupSettings, takeBackup, type Backup } from './backups.api';
import { describeBackup, describeSchedule, parseKeep } from './backups.models';

/**
 * Backups (owner only): take one now, download or delete them, and the nightly schedule. A backup is one
 * SQLite file; media files are not in it (they never change, so copying DATA_DIR/media is enough).
 */
export function BackupsSection() {
  const [backups, { mutate, refetch }] = createResource(fetchBackups);
  const [settings, { mutate: setSettings }] = createResource(fetchBackupSettings);
  const { error, setError, run } = createAction();
  const [busy, setBusy] = createSignal(false);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [form, setForm] = createSignal({ daily: true, keep: '7' });
  createEffect(on(() => (settings.state === 'ready' ? settings() : undefined), (s) => s && setForm({ daily: s.daily, keep: String(s.keep) })));
  const ownerOnly = () => backups.state === 'errored' && backups.error instanceof ApiError && backups.error.status === 403;

  const backUpNow = async () => {
    setBusy(true);
    setNotice(null);
    await run(async () => {
      const made = await takeBackup();
      mutate([made, ...(backups.latest ?? [])]);
      setNotice(`Backup written: ${made.name}.`);
    });
    setBusy(false);
  };
  const remove = async (b: Backup) => {
    if (!confirm(`Delete the backup ${b.name}? This cannot be undone.`)) return;
    if (await run(() => deleteBackup(b.name))) void refetch();
  };
  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    const keep = parseKeep(form().keep);
    if ('error' in keep) return void setError(keep.error);
    if (await run(async () => setSettings(await saveBackupSettings({ daily: form().daily, keep: keep.value })))) setNotice('Backup schedule saved.');
  };

  return (
    <section class="card" id="backups" aria-labelledby="backups-title">
      <h2 id="backups-title">Backups</h2>
      <Show when={!ownerOnly()} fallback={<p class="muted">Only the workspace owner can take and download backups.</p>}>
        <p class="muted small">
          A backup is one file: a consistent copy of the database, taken while Parley keeps working. It holds every conversation and the encrypted channel tokens: keep
          it as safe as the server. Media files are not in it: copy the data folder's <code>media/</code> too. To restore, stop Parley and run{' '}
          <code>npm run restore -- parley-….db</code>.
        </p>
        <div class="form-buttons">
          <button type="button" class="primary" disabled={busy() || settings.latest?.running} onClick={() => void backUpNow()}>
            {busy() ? 'Backing up…' : 'Back up now'}
          </button>
          <Show when={notice()}>
            <span class="muted" role="status">
              {notice()}
            </span>
          </Show>
        </div>
        <h3>Saved backups</h3>
        <ul class="plain" aria-label="Saved backups">
          <For each={backups.latest ?? []} fallback={<li class="muted">{backups.loading ? 'Loading…' : 'No backups yet.'}</li>}>
            {(b) => (
              <li>
                <strong>{new Date(b.createdAt).toLocaleString()}</strong> <span class="muted">{describeBackup(b)}</span>{' '}
                <a href={b.downloadUrl} download={b.name}>
                  Download
                </a>{' '}
                <button type="button" class="link" onClick={() => void remove(b)}>
                  Delete
                </button>
              </li>
            )}
          </For>
        </ul>
        <form class="workspace-form" onSubmit={save} aria-label="Backup schedule">
          <label class="check">
            <input type="checkbox" checked={form().daily} onChange={(e) => setForm({ ...form(), daily: e.currentTarget.checked })} />
            <span>Take a backup every night{settings.latest ? ` ${describeSchedule(settings.latest.schedule)} (server time)` : ''}</span>
          </label>
          <div class="grid-form">
            <label>
              Nightly backups kept
              <input type="number" inputmode="numeric" min="1" max="365" value={form().keep} onInput={(e) => setForm({ ...form(), keep: e.currentTarget.value })} />
            </label>
          </div>
          <p class="muted small">Older nightly backups are deleted after each new one; backups taken by hand stay until you delete them.</p>
          <div class="form-buttons">
            <button type="submit" disabled={settings.loading}>
              Save schedule
            </button>
          </div>
        </form>
      </Show>
      <ErrorLine message={error() ?? (backups.state === 'errored' && !ownerOnly() ? String(backups.error?.message ?? 'Could not load backups.') : null)} />
    </section>
  );
}
