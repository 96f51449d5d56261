import { createEffect, createResource, createSignal, on, Show } from 'solid-js';
import { createAction } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { fetchRetention, saveRetention, type RetentionSettings } from './retention.api';
import { describeRun, parseDays } from './retention.models';

const asText = (n: number | null) => (n === null ? '' : String(n));

/**
 * Data retention: how long the raw webhook archive and media files are kept. A nightly job removes what
 * is older; messages stay, with a placeholder where the removed media was.
 */
export function RetentionSection() {
  const [settings, { mutate }] = createResource(fetchRetention);
  const { error, setError, run } = createAction();
  const [saved, setSaved] = createSignal(false);
  const [form, setForm] = createSignal({ webhookDays: '', mediaDays: '' });
  const fill = (s: RetentionSettings) => setForm({ webhookDays: asText(s.webhookDays), mediaDays: asText(s.mediaDays) });
  createEffect(on(() => (settings.state === 'ready' ? settings() : undefined), (s) => s && fill(s)));
  const edit = (patch: Partial<ReturnType<typeof form>>) => (setSaved(false), setForm({ ...form(), ...patch }));

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const webhook = parseDays(form().webhookDays, 'Raw webhooks');
    const media = parseDays(form().mediaDays, 'Media files');
    if ('error' in webhook) return void (setSaved(false), setError(webhook.error));
    if ('error' in media) return void (setSaved(false), setError(media.error));
    const ok = await run(async () => mutate(await saveRetention({ webhookDays: webhook.value, mediaDays: media.value })));
    setSaved(ok);
  };

  return (
    <section class="card" id="retention" aria-labelledby="retention-title">
      <h2 id="retention-title">Data retention</h2>
      <form class="workspace-form" onSubmit={submit} aria-label="Data retention settings">
        <div class="grid-form">
          <label>
            Keep raw webhooks (days)
            <input type="number" inputmode="numeric" min="1" max="3650" placeholder="Keep forever" value={form().webhookDays} onInput={(e) => edit({ webhookDays: e.currentTarget.value })} />
          </label>
          <label>
            Keep media files (days)
            <input type="number" inputmode="numeric" min="1" max="3650" placeholder="Keep forever" value={form().mediaDays} onInput={(e) => edit({ mediaDays: e.currentTarget.value })} />
          </label>
        </div>
        <p class="muted small">
          Raw webhooks are Meta's deliveries exactly as received, kept for replay and debugging; only ones already processed are deleted. Media older than this are
          deleted from the disk for good: their messages stay, showing “Media removed after N days (retention)”. Leave a field empty to keep forever.
        </p>
        <div class="form-buttons">
          <button type="submit" class="primary" disabled={settings.loading}>
            Save retention
          </button>
          <Show when={saved()}>
            <span class="muted" role="status">
              Saved. The next nightly run applies it.
            </span>
          </Show>
        </div>
        <Show when={settings.state === 'ready' && settings()}>{(s) => <p class="muted small">{describeRun(s().lastRun)}</p>}</Show>
      </form>
      <ErrorLine message={error() ?? (settings.state === 'errored' ? String(settings.error?.message ?? 'Could not load retention settings.') : null)} />
    </section>
  );
}
