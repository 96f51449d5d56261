import { For, Index, Show } from 'solid-js';
import type { CustomField } from '../../lib/custom-fields';
import { ContactPicker } from '../contacts/contact-picker';
import { contactLabel } from '../contacts/contacts.api';
import type { Pipeline } from '../deals/deals.api';
import type { FieldOp } from './campaigns.api';
import { FIELD_OPS, type AudienceDraft } from './campaigns.models';

/**
 * Who gets the campaign: tags (any/all) and tags to leave out, custom-field filters, open deals in
 * chosen stages, last activity, opt-in only, and contacts left out by hand. Every filter narrows.
 */
export function AudienceBuilder(props: { value: AudienceDraft; onChange: (d: AudienceDraft) => void; pipelines: Pipeline[]; fields: CustomField[] }) {
  const v = () => props.value;
  const set = (patch: Partial<AudienceDraft>) => props.onChange({ ...v(), ...patch });
  const setFilter = (i: number, patch: Partial<AudienceDraft['customFields'][number]>) => set({ customFields: v().customFields.map((f, j) => (j === i ? { ...f, ...patch } : f)) });
  const toggleStage = (id: string, on: boolean) => set({ stageIds: on ? [...v().stageIds, id] : v().stageIds.filter((s) => s !== id) });
  const needsValue = (op: FieldOp) => FIELD_OPS.find((o) => o.id === op)?.needsValue ?? true;

  return (
    <div class="audience-builder">
      <div class="form-grid">
        <label>
          Tagged
          <input placeholder="vip, spring-2026" value={v().tags} onInput={(e) => set({ tags: e.currentTarget.value })} />
        </label>
        <label>
          Match
          <select aria-label="Tag match" onChange={(e) => set({ tagMatch: e.currentTarget.value as 'any' | 'all' })}>
            <option value="any" selected={v().tagMatch === 'any'}>
              Any of these tags
            </option>
            <option value="all" selected={v().tagMatch === 'all'}>
              All of these tags
            </option>
          </select>
        </label>
        <label>
          Leave out tagged
          <input placeholder="churned, staff" value={v().excludeTags} onInput={(e) => set({ excludeTags: e.currentTarget.value })} />
        </label>
      </div>
      <p class="muted small">Tags separated by commas. Leave empty for all contacts.</p>

      <fieldset class="audience-group">
        <legend>Custom fields</legend>
        <Index each={v().customFields}>
          {(f, i) => (
            <div class="field-filter" data-testid="field-filter">
              <select aria-label={`Filter ${i + 1} field`} onChange={(e) => setFilter(i, { key: e.currentTarget.value })}>
                <option value="" selected={!f().key}>
                  Field…
                </option>
                <For each={props.fields}>
                  {(cf) => (
                    <option value={cf.key} selected={cf.key === f().key}>
                      {cf.label}
                    </option>
                  )}
                </For>
              </select>
              <select aria-label={`Filter ${i + 1} condition`} onChange={(e) => setFilter(i, { op: e.currentTarget.value as FieldOp })}>
                <For each={FIELD_OPS}>
                  {(o) => (
                    <option value={o.id} selected={o.id === f().op}>
                      {o.label}
                    </option>
                  )}
                </For>
              </select>
              <Show when={needsValue(f().op)}>
                <input aria-label={`Filter ${i + 1} value`} placeholder="Value" value={f().value} onInput={(e) => setFilter(i, { value: e.currentTarget.value })} />
              </Show>
              <button type="button" class="icon" aria-label={`Remove filter ${i + 1}`} onClick={() => set({ customFields: v().customFields.filter((_, j) => j !== i) })}>
                ✕
              </button>
            </div>
          )}
        </Index>
        <Show when={props.fields.length} fallback={<p class="muted small">No contact custom fields yet (Settings → Custom fields).</p>}>
          <button type="button" class="link add-filter" disabled={v().customFields.length >= 20} onClick={() => set({ customFields: [...v().customFields, { key: '', op: 'eq', value: '' }] })}>
            + Add a field filter
          </button>
        </Show>
      </fieldset>

      <Show when={props.pipelines.some((p) => p.stages.length)}>
        <fieldset class="audience-group">
          <legend>With an open deal in</legend>
          <For each={props.pipelines}>
            {(p) => (
              <div class="stage-checks" role="group" aria-label={p.name}>
                <Show when={props.pipelines.length > 1}>
                  <span class="muted small">{p.name}</span>
                </Show>
                <For each={p.stages.filter((s) => s.outcome === 'open')}>
                  {(s) => (
                    <label class="check">
                      <input type="checkbox" checked={v().stageIds.includes(s.id)} onChange={(e) => toggleStage(s.id, e.currentTarget.checked)} />
                      <span>{s.name}</span>
                    </label>
                  )}
                </For>
              </div>
            )}
          </For>
        </fieldset>
      </Show>

      <div class="form-grid">
        <label>
          Active in the last (days)
          <input type="number" inputMode="numeric" min="1" placeholder="Any time" value={v().withinDays} onInput={(e) => set({ withinDays: e.currentTarget.value })} />
        </label>
        <label>
          Inactive for at least (days)
          <input type="number" inputMode="numeric" min="1" placeholder="Any time" value={v().olderThanDays} onInput={(e) => set({ olderThanDays: e.currentTarget.value })} />
        </label>
      </div>
      <label class="check">
        <input type="checkbox" checked={v().requireOptIn} onChange={(e) => set({ requireOptIn: e.currentTarget.checked })} />
        <span>Only contacts who opted in</span>
      </label>

      <div class="audience-group">
        <ContactPicker
          label="Leave out a contact"
          value={null}
          onChange={(c) => c && !v().excludeContacts.some((x) => x.id === c.id) && set({ excludeContacts: [...v().excludeContacts, { id: c.id, label: contactLabel(c) }] })}
        />
        <Show when={v().excludeContacts.length}>
          <ul class="chip-list" aria-label="Left out contacts">
            <For each={v().excludeContacts}>
              {(c) => (
                <li class="chip">
                  {c.label}
                  <button type="button" class="link" aria-label={`Include ${c.label} again`} onClick={() => set({ excludeContacts: v().excludeContacts.filter((x) => x.id !== c.id) })}>
                    ×
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </div>
    </div>
  );
}
