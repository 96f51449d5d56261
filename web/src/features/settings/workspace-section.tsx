import { createEffect, createResource, createSignal, on, Show } from 'solid-js';
import { createAction } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { fetchSettings, updateSettings, type WorkspaceSettings } from './settings.api';
import { parseMinutes } from './settings.models';

const asText = (n: number | null) => (n === null ? '' : String(n));

/** Workspace-wide settings: who sees what, the default phone region, and the default SLA targets. */
export function WorkspaceSection() {
  const [settings, { mutate }] = createResource(fetchSettings);
  const { error, run } = createAction();
  const [saved, setSaved] = createSignal(false);
  const [form, setForm] = createSignal({ agentsSeeAll: false, defaultRegion: '', first: '', resolution: '' });
  const fill = (s: WorkspaceSettings) => setForm({ agentsSeeAll: s.agentsSeeAll, defaultRegion: s.defaultRegion ?? '', first: asText(s.slaFirstResponseMinutes), resolution: asText(s.slaResolutionMinutes) });
  createEffect(on(() => (settings.state === 'ready' ? settings() : undefined), (s) => s && fill(s)));
  const edit = (patch: Partial<ReturnType<typeof form>>) => (setSaved(false), setForm({ ...form(), ...patch }));
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const f = form();
    const ok = await run(async () => {
      const next = await updateSettings({
        agentsSeeAll: f.agentsSeeAll,
        defaultRegion: f.defaultRegion.trim() ? f.defaultRegion.trim().toUpperCase() : null,
        slaFirstResponseMinutes: parseMinutes(f.first),
        slaResolutionMinutes: parseMinutes(f.resolution),
      });
      mutate(next);
    });
    setSaved(ok);
  };

  return (
    <section class="card" id="workspace" aria-labelledby="workspace-title">
      <h2 id="workspace-title">Workspace</h2>
      <form onSubmit={submit} aria-label="Workspace settings">
        <label class="check">
          <input type="checkbox" checked={form().agentsSeeAll} onChange={(e) => edit({ agentsSeeAll: e.currentTarget.checked })} />
          <span>Agents see every conversation (not only their own, their teams' and unassigned ones)</span>
        </label>
        <div class="grid-form">
          <label>
            Default country for phone numbers
            <input placeholder="US" maxLength={2} autocapitalize="characters" value={form().defaultRegion} onInput={(e) => edit({ defaultRegion: e.currentTarget.value })} />
          </label>
          <label>
            Default first-reply target (minutes)
            <input type="number" inputmode="numeric" min="1" placeholder="No target" value={form().first} onInput={(e) => edit({ first: e.currentTarget.value })} />
          </label>
          <label>
            Default resolution target (minutes)
            <input type="number" inputmode="numeric" min="1" placeholder="No target" value={form().resolution} onInput={(e) => edit({ resolution: e.currentTarget.value })} />
          </label>
        </div>
        <div class="form-buttons">
          <button type="submit" class="primary" disabled={settings.loading}>
            Save workspace settings
          </button>
          <Show when={saved()}>
            <span class="muted" role="status">
              Saved.
            </span>
          </Show>
        </div>
      </form>
      <ErrorLine message={error() ?? (settings.state === 'errored' ? String(settings.error?.message ?? 'Could not load settings.') : null)} />
    </section>
  );
}
