import { createSignal, For, Show } from 'solid-js';
import { customDraft, customPatch, type CustomField } from '../../lib/custom-fields';
import { createAction } from '../../ui/action';
import { CustomFieldInputs } from '../../ui/custom-field-input';
import { SaveButtons } from '../../ui/save-buttons';
import { ErrorLine } from '../../ui/error-line';
import { ContactPicker, type PickedContact } from '../contacts/contact-picker';
import type { Teammate } from '../inbox/inbox.api';
import { DEAL_KINDS, updateDeal, type Deal, type Pipeline } from './deals.api';
import { dealDraft, dealPatch, type DealDraft } from './deals.models';
import { CurrencyOptions } from './new-deal-form';

/** Edits a deal's fields (stage across pipelines too) and its custom fields; saves only what changed. */
export function DealEditForm(props: { deal: Deal; pipelines: Pipeline[]; team: Teammate[]; fields: CustomField[]; contact: PickedContact | null; onSaved: () => void }) {
  const [draft, setDraft] = createSignal<DealDraft>(dealDraft(props.deal));
  const [custom, setCustom] = createSignal(customDraft(props.fields, props.deal.customFields));
  const [contact, setContact] = createSignal<PickedContact | null>(props.contact);
  const [saved, setSaved] = createSignal(false);
  const action = createAction();
  const set = <K extends keyof DealDraft>(key: K, value: DealDraft[K]) => (setSaved(false), setDraft({ ...draft(), [key]: value }));

  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    const body: Record<string, unknown> = { ...dealPatch(props.deal, draft()) };
    const customFields = customPatch(props.fields, props.deal.customFields, custom());
    if (customFields) body.customFields = customFields;
    if ((contact()?.id ?? null) !== props.deal.contactId) body.contactId = contact()?.id ?? null;
    if (Object.keys(body).length === 0) return setSaved(true);
    if (await action.run(() => updateDeal(props.deal.id, body))) {
      setSaved(true);
      props.onSaved();
    }
  };

  return (
    <form class="deal-form" aria-label="Edit deal" onSubmit={save}>
      <label>
        Title
        <input required maxLength={200} value={draft().title} onInput={(e) => set('title', e.currentTarget.value)} />
      </label>
      <div class="money-fields">
        <label>
          Amount
          <input inputMode="decimal" pattern="[0-9]+([.,][0-9]+)?" value={draft().amount} onInput={(e) => set('amount', e.currentTarget.value)} />
        </label>
        <label>
          Currency
          <input class="currency" list="deal-edit-currencies" maxLength={3} pattern="[A-Za-z]{3}" value={draft().currency} onInput={(e) => set('currency', e.currentTarget.value.toUpperCase())} />
        </label>
        <CurrencyOptions id="deal-edit-currencies" />
      </div>
      <label>
        Stage
        <select
          onChange={(e) => {
            const [pipelineId, stageId] = e.currentTarget.value.split('|') as [string, string];
            setSaved(false);
            setDraft({ ...draft(), pipelineId, stageId });
          }}
        >
          <For each={props.pipelines.flatMap((p) => p.stages.map((s) => ({ p, s })))}>
            {({ p, s }) => (
              <option value={`${p.id}|${s.id}`} selected={s.id === draft().stageId}>
                {props.pipelines.length > 1 ? `${p.name}: ${s.name}` : s.name}
              </option>
            )}
          </For>
        </select>
      </label>
      <div class="two-fields">
        <label>
          Kind
          <select onChange={(e) => set('kind', e.currentTarget.value as DealDraft['kind'])}>
            <For each={DEAL_KINDS}>
              {(k) => (
                <option value={k} selected={k === draft().kind}>
                  {k[0]!.toUpperCase() + k.slice(1)}
                </option>
              )}
            </For>
          </select>
        </label>
        <label>
          Reference
          <input maxLength={100} value={draft().reference} onInput={(e) => set('reference', e.currentTarget.value)} />
        </label>
      </div>
      <div class="two-fields">
        <label>
          Owner
          <select onChange={(e) => set('ownerId', e.currentTarget.value)}>
            <option value="" selected={draft().ownerId === ''}>
              Nobody
            </option>
            <For each={props.team}>
              {(u) => (
                <option value={u.id} selected={u.id === draft().ownerId}>
                  {u.name}
                </option>
              )}
            </For>
          </select>
        </label>
        <label>
          Expected close
          <input type="date" value={draft().closeOn} onInput={(e) => set('closeOn', e.currentTarget.value)} />
        </label>
      </div>
      {/* A deal started from a conversation keeps that conversation's contact. */}
      <Show when={!props.deal.conversationId}>
        <ContactPicker label="Contact" value={contact()} onChange={(c) => (setSaved(false), setContact(c))} />
      </Show>
      <CustomFieldInputs fields={props.fields} values={custom()} onChange={(v) => (setSaved(false), setCustom(v))} />
      <ErrorLine message={action.error()} />
      <SaveButtons label="Save deal" saved={saved()} />
    </form>
  );
}
