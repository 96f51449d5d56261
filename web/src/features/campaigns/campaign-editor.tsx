import { useNavigate } from '@solidjs/router';
import { createEffect, createMemo, createResource, createSignal, For, on, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { fetchCustomFields } from '../../lib/custom-fields';
import { createAction } from '../../ui/action';
import { ErrorLine, FormProblems } from '../../ui/error-line';
import { fetchContactNames, fetchPipelines } from '../deals/deals.api';
import { fetchChannels } from '../settings/settings.api';
import { MappingEditor } from '../templates/mapping-editor';
import { TemplatePreview } from '../templates/template-preview';
import { fetchTemplateList, type Mapping } from '../templates/templates.api';
import { fillMapping, languageName, slotLabel } from '../templates/templates.models';
import { TestSendForm } from '../templates/test-send-form';
import { AudienceBuilder } from './audience-builder';
import { AudiencePreview } from './audience-preview';
import { createCampaign, fetchCampaign, startCampaign, testSendCampaign, updateCampaign, type Campaign } from './campaigns.api';
import { audienceFromDraft, campaignDraft, campaignInput, DEFAULT_RATE, localInputToIso, startGate, templatesByName, validateCampaign, type CampaignDraft } from './campaigns.models';

/**
 * A new or draft (or scheduled) campaign: the message (number, template, languages, variables with a
 * live preview), the audience with live counts, the sending pace; then save, test send and start or
 * schedule. Starting unlocks only after a test send of the saved content.
 */
export function CampaignEditor(props: { campaign: Campaign | null; onSaved: (c: Campaign) => void }) {
  const navigate = useNavigate();
  const [channels] = createResource(() => fetchChannels().catch(() => []));
  const [pipelines] = createResource(() => fetchPipelines().catch(() => []));
  const [fields] = createResource(() => fetchCustomFields('contact').catch(() => []));
  const [draft, setDraft] = createSignal<CampaignDraft>(campaignDraft(props.campaign));
  const [baseline, setBaseline] = createSignal<CampaignDraft | null>(props.campaign ? campaignDraft(props.campaign) : null);
  const [problems, setProblems] = createSignal<string[]>([]);
  const [total, setTotal] = createSignal<number | null>(null);
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const action = createAction();
  const update = (patch: Partial<CampaignDraft>) => (setConfirming(false), setDraft((d) => ({ ...d, ...patch })));

  const [templates] = createResource(() => draft().channelId || '*', (ch) => fetchTemplateList({ status: 'APPROVED', channelId: ch === '*' ? undefined : ch }));
  const byName = createMemo(() => templatesByName(templates.latest ?? []));
  const template = () => (templates.latest ?? []).find((t) => t.id === draft().templateId);
  const slots = () => template()?.slots ?? [];
  const mapping = (): Mapping => fillMapping(slots(), draft().mapping);
  const inputOf = (d: CampaignDraft) => campaignInput({ ...d, mapping: fillMapping(slots(), d.mapping) }, slots());
  const dirty = () => !baseline() || JSON.stringify(inputOf(draft())) !== JSON.stringify(inputOf(baseline()!));
  const gate = () => (props.campaign ? startGate(props.campaign, dirty()) : { ok: false, hint: 'Save the draft first.' });

  // A new campaign starts on the first number, at its rate.
  createEffect(
    on(channels, (list) => {
      const first = list?.[0];
      if (props.campaign || !first || draft().channelId) return;
      setDraft((d) => ({ ...d, channelId: first.id, ratePerSecond: d.ratePerSecond === String(DEFAULT_RATE) ? String(first.throughputPerSecond ?? DEFAULT_RATE) : d.ratePerSecond }));
    }),
  );
  // Left-out contacts are stored by id: name them once the names arrive.
  createEffect(
    on(
      () => props.campaign?.audience.excludeContactIds,
      async (ids) => {
        if (!ids?.length) return;
        const names = await fetchContactNames(ids);
        const named = (d: CampaignDraft) => ({ ...d, audience: { ...d.audience, excludeContacts: d.audience.excludeContacts.map((c) => ({ ...c, label: names.get(c.id) ?? c.label })) } });
        setDraft(named);
        setBaseline((b) => b && named(b));
      },
    ),
  );

  const chooseTemplate = (name: string) => {
    const rows = byName().get(name) ?? [];
    const row = rows.find((r) => r.language === template()?.language) ?? rows[0];
    // The campaign's own mapping starts as a copy of the template's.
    update({ templateName: name, templateId: row?.id ?? '', variantLanguages: [], mapping: row ? fillMapping(row.slots, row.mapping) : { params: {} } });
  };
  const chooseLanguage = (id: string) => {
    const row = (templates.latest ?? []).find((t) => t.id === id);
    if (row) update({ templateId: id, variantLanguages: draft().variantLanguages.filter((l) => l !== row.language) });
  };
  const toggleLanguage = (lang: string, on: boolean) => update({ variantLanguages: on ? [...draft().variantLanguages, lang] : draft().variantLanguages.filter((l) => l !== lang) });

  /** Saves (creating the draft the first time); resolves the saved campaign, or null when the form or the server refused. */
  const save = async (): Promise<Campaign | null> => {
    const found = validateCampaign({ ...draft(), scheduleAt: '' }, Date.now());
    setProblems(found);
    if (found.length) return null;
    let saved: Campaign | null = null;
    const sent = draft();
    await action.run(async () => {
      saved = props.campaign ? await updateCampaign(props.campaign.id, inputOf(sent)) : await createCampaign(inputOf(sent));
    });
    if (!saved) return null;
    if (!props.campaign) navigate(`/campaigns/${(saved as Campaign).id}`, { replace: true });
    else (setBaseline(sent), props.onSaved(saved));
    return saved;
  };
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    await save();
    setBusy(false);
  };
  const testSend = async (to: string[]) => {
    const c = props.campaign!;
    if (dirty() && !(await save())) throw new ApiError(0, 'form.invalid', problems()[0] ?? action.error() ?? 'Save the campaign first.');
    const result = await testSendCampaign(c.id, to);
    props.onSaved(await fetchCampaign(c.id));
    return result;
  };
  const start = async () => {
    const c = props.campaign;
    const found = validateCampaign(draft(), Date.now());
    setProblems(found);
    if (!c || found.length) return;
    const at = draft().scheduleAt ? (localInputToIso(draft().scheduleAt) ?? undefined) : undefined;
    setBusy(true);
    await action.run(async () => props.onSaved(await startCampaign(c.id, at)));
    setBusy(false);
    setConfirming(false);
  };

  return (
    <>
      <form class="campaign-form" aria-label="Campaign" onSubmit={submit}>
        <section class="card" aria-labelledby="message-title">
          <h2 id="message-title">Message</h2>
          <div class="form-grid">
            <label>
              Campaign name
              <input required maxLength={200} placeholder="Spring sale 2026" value={draft().name} onInput={(e) => update({ name: e.currentTarget.value })} />
            </label>
            <Show when={(channels() ?? []).length > 1}>
              <label>
                WhatsApp number
                <select aria-label="WhatsApp number" onChange={(e) => update({ channelId: e.currentTarget.value, templateId: '', templateName: '', variantLanguages: [] })}>
                  <For each={channels() ?? []}>
                    {(ch) => (
                      <option value={ch.id} selected={ch.id === draft().channelId}>
                        {ch.name} · {ch.displayPhoneNumber ?? ch.phoneNumberId}
                      </option>
                    )}
                  </For>
                </select>
              </label>
            </Show>
            <label>
              Template
              <select aria-label="Template" onChange={(e) => chooseTemplate(e.currentTarget.value)}>
                <option value="" selected={!draft().templateName}>
                  {templates.loading ? 'Loading…' : byName().size ? 'Choose an approved template' : 'No approved templates'}
                </option>
                <For each={[...byName().keys()]}>
                  {(name) => (
                    <option value={name} selected={name === draft().templateName}>
                      {name}
                    </option>
                  )}
                </For>
              </select>
            </label>
            <Show when={(byName().get(draft().templateName) ?? []).length}>
              <label>
                Default language
                <select aria-label="Default language" onChange={(e) => chooseLanguage(e.currentTarget.value)}>
                  <For each={byName().get(draft().templateName) ?? []}>
                    {(t) => (
                      <option value={t.id} selected={t.id === draft().templateId}>
                        {languageName(t.language)}
                      </option>
                    )}
                  </For>
                </select>
              </label>
            </Show>
          </div>
          <Show when={draft().templateName && !template() && !templates.loading}>
            <p class="error small">“{draft().templateName}” is not approved on this number any more: choose another template.</p>
          </Show>
          <Show when={(template()?.languages ?? []).filter((l) => l !== template()?.language).length}>
            <fieldset class="checks">
              <legend>Also send in (to contacts whose language it is)</legend>
              <For each={(template()?.languages ?? []).filter((l) => l !== template()?.language)}>
                {(lang) => (
                  <label class="check">
                    <input type="checkbox" checked={draft().variantLanguages.includes(lang)} onChange={(e) => toggleLanguage(lang, e.currentTarget.checked)} />
                    <span>{languageName(lang)}</span>
                  </label>
                )}
              </For>
            </fieldset>
          </Show>
        </section>

        <Show when={template()}>
          {(t) => (
            <section class="card" aria-labelledby="variables-title">
              <h2 id="variables-title">Variables</h2>
              <p class="muted small page-note">This campaign’s own copy, started from the template’s mapping.</p>
              <div class="template-layout">
                <MappingEditor slots={t().slots} mapping={mapping()} onChange={(m) => update({ mapping: m })} />
                <TemplatePreview templateId={t().id} mapping={inputOf(draft()).mapping ?? { params: {} }} slotLabels={Object.fromEntries(t().slots.map((s) => [s.id, slotLabel(s)]))} />
              </div>
            </section>
          )}
        </Show>

        <section class="card" aria-labelledby="audience-title">
          <h2 id="audience-title">Audience</h2>
          <div class="audience-layout">
            <AudienceBuilder value={draft().audience} onChange={(a) => update({ audience: a })} pipelines={pipelines() ?? []} fields={fields() ?? []} />
            <AudiencePreview audience={audienceFromDraft(draft().audience)} channelId={draft().channelId} templateId={draft().templateId} onCounts={(c) => setTotal(c.total)} />
          </div>
        </section>

        <section class="card" aria-labelledby="sending-title">
          <h2 id="sending-title">Sending</h2>
          <div class="form-grid">
            <label>
              Messages per second
              <input type="number" inputMode="numeric" min="1" max="1000" value={draft().ratePerSecond} onInput={(e) => update({ ratePerSecond: e.currentTarget.value })} />
            </label>
            <label>
              Count sales within (days)
              <input type="number" inputMode="numeric" min="1" max="90" value={draft().attributionDays} onInput={(e) => update({ attributionDays: e.currentTarget.value })} />
            </label>
            <label>
              Send at (optional)
              <input type="datetime-local" value={draft().scheduleAt} onInput={(e) => update({ scheduleAt: e.currentTarget.value })} />
            </label>
          </div>
          <p class="muted small">A deal won by a recipient within the window counts as a conversion. Without a time, start by hand below.</p>
          <FormProblems problems={problems()} />
          <ErrorLine message={action.error()} />
          <div class="form-buttons">
            <button type="submit" class="primary" disabled={busy()}>
              {props.campaign ? 'Save draft' : 'Create draft'}
            </button>
            <Show when={props.campaign && !dirty()}>
              <span class="muted small" role="status">
                All changes saved.
              </span>
            </Show>
          </div>
        </section>
      </form>

      <section class="card" aria-labelledby="launch-title">
        <h2 id="launch-title">Test and start</h2>
        <TestSendForm disabled={props.campaign ? null : 'Create the draft first.'} note="Unsaved changes are saved first." onSend={testSend} />
        <div class="launch">
          <Show
            when={confirming()}
            fallback={
              <button type="button" class="primary" disabled={!gate().ok || busy()} onClick={() => setConfirming(true)}>
                {draft().scheduleAt ? 'Schedule' : 'Start now'}
              </button>
            }
          >
            <p>
              {draft().scheduleAt ? `Schedule for ${new Date(localInputToIso(draft().scheduleAt) ?? '').toLocaleString()}` : 'Start sending now'}
              {total() !== null ? ` to ${total()} contact${total() === 1 ? '' : 's'}` : ''}?
            </p>
            <div class="form-buttons">
              <button type="button" class="primary" disabled={busy()} onClick={start}>
                {draft().scheduleAt ? 'Yes, schedule' : 'Yes, start'}
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Not yet
              </button>
            </div>
          </Show>
          <Show when={gate().hint}>
            <p class="muted small" data-testid="start-hint">
              {gate().hint}
            </p>
          </Show>
        </div>
      </section>
    </>
  );
}
