import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import { createAction } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { fetchSettings, updateSettings, type WorkspaceSettings } from './settings.api';
import { consentForm, consentPatch, limitOption, MESSAGING_LIMITS, parseMinutes, type ConsentForm } from './settings.models';

const asText = (n: number | null) => (n === null ? '' : String(n));

/**
 * Workspace-wide settings: who sees what, the default phone region, the default SLA targets, the consent
 * keywords and confirmations, and the daily messaging limit campaigns pace themselves by.
 */
export function WorkspaceSection() {
  const [settings, { mutate }] = createResource(fetchSettings);
  const { error, setError, run } = createAction();
  const [saved, setSaved] = createSignal(false);
  const [form, setForm] = createSignal({ agentsSeeAll: false, defaultRegion: '', first: '', resolution: '', ...consentForm({}) });
  const fill = (s: WorkspaceSettings) =>
    setForm({ agentsSeeAll: s.agentsSeeAll, defaultRegion: s.defaultRegion ?? '', first: asText(s.slaFirstResponseMinutes), resolution: asText(s.slaResolutionMinutes), ...consentForm(s) });
  createEffect(on(() => (settings.state === 'ready' ? settings() : undefined), (s) => s && fill(s)));
  const edit = (patch: Partial<ReturnType<typeof form>>) => (setSaved(false), setForm({ ...form(), ...patch }));
  // A limit the server reports that is not one of Meta's tiers (set through the API) still shows.
  const limits = () => (MESSAGING_LIMITS.some((l) => limitOption(l.value) === form().messagingLimit) ? MESSAGING_LIMITS : [...MESSAGING_LIMITS, { value: Number(form().messagingLimit), label: `${form().messagingLimit} a day` }]);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const f = form();
    const consent = consentPatch(f as ConsentForm);
    if ('error' in consent) return void (setSaved(false), setError(consent.error));
    const ok = await run(async () => {
      const next = await updateSettings({
        agentsSeeAll: f.agentsSeeAll,
        defaultRegion: f.defaultRegion.trim() ? f.defaultRegion.trim().toUpperCase() : null,
        slaFirstResponseMinutes: parseMinutes(f.first),
        slaResolutionMinutes: parseMinutes(f.resolution),
        ...consent.patch,
      });
      mutate(next);
    });
    setSaved(ok);
  };

  return (
    <section class="card" id="workspace" aria-labelledby="workspace-title">
      <h2 id="workspace-title">Workspace</h2>
      <form class="workspace-form" onSubmit={submit} aria-label="Workspace settings">
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
        <h3>Marketing consent</h3>
        <p class="muted small">A customer whose whole message is one of these words is opted out (or back in) at once. Case and accents do not matter.</p>
        <div class="wide-fields">
          <label>
            Opt-out keywords
            <textarea class="autogrow" rows={3} required value={form().optOutKeywords} onInput={(e) => edit({ optOutKeywords: e.currentTarget.value })} />
          </label>
          <label>
            Opt-in keywords
            <textarea class="autogrow" rows={3} placeholder="START, SUBSCRIBE" value={form().optInKeywords} onInput={(e) => edit({ optInKeywords: e.currentTarget.value })} />
          </label>
          <label>
            Reply after an opt-out (optional)
            <textarea rows={2} maxLength={1000} placeholder="No reply" value={form().optOutConfirmation} onInput={(e) => edit({ optOutConfirmation: e.currentTarget.value })} />
          </label>
          <label>
            Reply after an opt-in (optional)
            <textarea rows={2} maxLength={1000} placeholder="No reply" value={form().optInConfirmation} onInput={(e) => edit({ optInConfirmation: e.currentTarget.value })} />
          </label>
        </div>
        <p class="muted small">Keywords separated by commas.</p>
        <label class="check">
          <input type="checkbox" checked={form().utilityNeedsConsent} onChange={(e) => edit({ utilityNeedsConsent: e.currentTarget.checked })} />
          <span>Utility templates also need consent (opted-out customers get no order updates either)</span>
        </label>
        <h3>Sending</h3>
        <label>
          Daily messaging limit
          <select onChange={(e) => edit({ messagingLimit: e.currentTarget.value })}>
            <For each={limits()}>
              {(l) => (
                <option value={limitOption(l.value)} selected={limitOption(l.value) === form().messagingLimit}>
                  {l.label}
                </option>
              )}
            </For>
          </select>
        </label>
        <p class="muted small">Meta's limit for your number (WhatsApp Manager shows it): unique customers you may message first per 24 hours. Campaigns wait rather than go over it.</p>
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
