import { createResource, For, Match, Show, Switch } from 'solid-js';
import { fetchCustomFields, type CustomField } from '../../lib/custom-fields';
import { MediaPicker } from './media-picker';
import type { Mapping, Slot, SlotMapping, SlotSource } from './templates.api';
import { changeSource, CONTACT_FIELDS, DEAL_FIELDS, isMediaSlot, isOptionalSlot, slotLabel, SOURCES } from './templates.models';

const bothEntities = () => Promise.all([fetchCustomFields('contact').catch(() => []), fetchCustomFields('deal').catch(() => [])]);

/** The field choices of a source (none for a fixed value). */
function fieldsOf(source: SlotSource, custom: [CustomField[], CustomField[]] | undefined): { id: string; label: string }[] {
  if (source === 'contact') return CONTACT_FIELDS;
  if (source === 'deal') return DEAL_FIELDS;
  const list = source === 'contact_custom' ? custom?.[0] : source === 'deal_custom' ? custom?.[1] : undefined;
  return (list ?? []).map((f) => ({ id: f.key, label: f.label }));
}

/**
 * Where each of a template's values comes from: per slot a source (fixed value, contact or deal field,
 * custom field), the field or the value, and a fallback for contacts that have none. A media header
 * picks an uploaded file. Used by the template page and by each campaign (its own copy of the mapping).
 */
export function MappingEditor(props: { slots: Slot[]; mapping: Mapping; onChange: (m: Mapping) => void }) {
  const [custom] = createResource(bothEntities);
  const param = (id: string): SlotMapping => props.mapping.params[id] ?? { source: 'fixed', value: '' };
  const set = (id: string, next: SlotMapping) => props.onChange({ ...props.mapping, params: { ...props.mapping.params, [id]: next } });

  return (
    <div class="slot-list">
      <For each={props.slots} fallback={<p class="muted small">This template has no variables: it is sent as it is.</p>}>
        {(slot) => (
          <fieldset class="slot-row" data-testid="slot-row">
            <legend class="slot-name">
              {slotLabel(slot)}
              <Show when={isOptionalSlot(slot)}>
                <span class="muted small"> (optional)</span>
              </Show>
              <Show when={slot.example && !isMediaSlot(slot)}>
                <span class="muted small"> e.g. {slot.example}</span>
              </Show>
            </legend>
            <Switch
              fallback={
                <div class="slot-fields">
                  <label>
                    Source
                    <select aria-label={`${slotLabel(slot)} source`} onChange={(e) => set(slot.id, changeSource(param(slot.id), e.currentTarget.value as SlotSource))}>
                      <For each={SOURCES}>
                        {(s) => (
                          <option value={s.id} selected={s.id === param(slot.id).source}>
                            {s.label}
                          </option>
                        )}
                      </For>
                    </select>
                  </label>
                  <Show
                    when={param(slot.id).source !== 'fixed'}
                    fallback={
                      <label>
                        Value
                        <input aria-label={`${slotLabel(slot)} value`} maxLength={1000} placeholder={slot.example ?? ''} value={param(slot.id).value ?? ''} onInput={(e) => set(slot.id, { ...param(slot.id), value: e.currentTarget.value })} />
                      </label>
                    }
                  >
                    <label>
                      Field
                      <select aria-label={`${slotLabel(slot)} field`} onChange={(e) => set(slot.id, { ...param(slot.id), field: e.currentTarget.value })}>
                        <option value="" selected={!param(slot.id).field}>
                          Choose…
                        </option>
                        <For each={fieldsOf(param(slot.id).source, custom())}>
                          {(f) => (
                            <option value={f.id} selected={f.id === param(slot.id).field}>
                              {f.label}
                            </option>
                          )}
                        </For>
                      </select>
                    </label>
                    <label>
                      Fallback
                      <input aria-label={`${slotLabel(slot)} fallback`} maxLength={1000} placeholder="When the contact has none" value={param(slot.id).fallback ?? ''} onInput={(e) => set(slot.id, { ...param(slot.id), fallback: e.currentTarget.value })} />
                    </label>
                  </Show>
                </div>
              }
            >
              <Match when={isMediaSlot(slot)}>
                <MediaPicker kind={slot.kind as 'image' | 'video' | 'document'} label={slotLabel(slot)} mediaId={props.mapping.headerMediaId} onChange={(id) => props.onChange({ ...props.mapping, headerMediaId: id })} />
              </Match>
              <Match when={slot.kind === 'location'}>
                <p class="muted small">The location is set on the template itself.</p>
              </Match>
            </Switch>
            <Show when={param(slot.id).source.startsWith('deal')}>
              <p class="muted small">From the contact's most recently updated open deal.</p>
            </Show>
          </fieldset>
        )}
      </For>
    </div>
  );
}
