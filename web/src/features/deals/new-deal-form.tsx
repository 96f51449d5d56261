import { createSignal, For, Show } from 'solid-js';
import { createAction } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { ContactPicker, type PickedContact } from '../contacts/contact-picker';
import type { Teammate } from '../inbox/inbox.api';
import { createDeal, type Deal, type Pipeline } from './deals.api';
import { dateInputToIso, defaultCurrency, firstOpenStage } from './deals.models';

const LAST_CURRENCY = 'parley.lastCurrency';
const lastCurrency = () => {
  try {
    return localStorage.getItem(LAST_CURRENCY);
  } catch {
    return null;
  }
};

/** The currency codes the browser knows, for the currency field's suggestions. */
export function CurrencyOptions(props: { id: string }) {
  const codes = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : ['EUR', 'USD', 'GBP', 'BRL'];
  return (
    <datalist id={props.id}>
      <For each={codes}>{(c) => <option value={c} />}</For>
    </datalist>
  );
}

/**
 * A new deal: title, amount and currency, stage, contact (searched by name or phone), owner, expected
 * close. Given a contact (and conversation), the deal is linked to them and the contact is fixed.
 */
export function NewDealForm(props: {
  pipelines: Pipeline[];
  pipelineId?: string;
  team: Teammate[];
  /** The signed-in user (the default owner); without it the server makes the creator the owner. */
  meId?: string;
  contact?: PickedContact;
  conversationId?: string;
  compact?: boolean;
  onCreated: (deal: Deal) => void;
  onCancel?: () => void;
}) {
  const pipeline = () => props.pipelines.find((p) => p.id === props.pipelineId) ?? props.pipelines[0];
  const [title, setTitle] = createSignal('');
  const [amount, setAmount] = createSignal('');
  const [currency, setCurrency] = createSignal(defaultCurrency(pipeline(), lastCurrency()));
  const [stageId, setStageId] = createSignal(firstOpenStage(pipeline())?.id ?? '');
  const [contact, setContact] = createSignal<PickedContact | null>(props.contact ?? null);
  const [ownerId, setOwnerId] = createSignal(props.meId ?? '');
  const [closeOn, setCloseOn] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const action = createAction();
  const uid = Math.random().toString(36).slice(2, 8);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    let created: Deal | undefined;
    const ok = await action.run(async () => {
      const money = amount().trim() ? { amount: amount().trim().replace(',', '.'), currency: currency().trim().toUpperCase() } : {};
      created = await createDeal({
        title: title().trim(),
        ...money,
        pipelineId: pipeline()?.id,
        stageId: stageId() || undefined,
        contactId: contact()?.id,
        conversationId: props.conversationId,
        ownerId: props.compact || props.meId === undefined ? undefined : ownerId() || null,
        expectedCloseAt: dateInputToIso(closeOn()) ?? undefined,
      });
    });
    setBusy(false);
    if (!ok || !created) return;
    if (created.amount && created.currency) {
      try {
        localStorage.setItem(LAST_CURRENCY, created.currency);
      } catch {
        // private mode: no memory of the last currency
      }
    }
    setTitle('');
    setAmount('');
    setCloseOn('');
    if (!props.contact) setContact(null);
    props.onCreated(created);
  };

  return (
    <form class={`deal-form ${props.compact ? 'compact' : ''}`} aria-label="New deal" onSubmit={submit}>
      <label>
        Title
        <input required maxLength={200} placeholder="Linen shirts, 20 units" value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
      </label>
      <div class="money-fields">
        <label>
          Amount
          <input inputMode="decimal" pattern="[0-9]+([.,][0-9]+)?" placeholder="0.00" value={amount()} onInput={(e) => setAmount(e.currentTarget.value)} />
        </label>
        <label>
          Currency
          <input class="currency" list={`currencies-${uid}`} maxLength={3} pattern="[A-Za-z]{3}" required={!!amount().trim()} value={currency()} onInput={(e) => setCurrency(e.currentTarget.value.toUpperCase())} />
        </label>
        <CurrencyOptions id={`currencies-${uid}`} />
      </div>
      <Show when={!props.compact}>
        <label>
          Stage
          <select onChange={(e) => setStageId(e.currentTarget.value)}>
            <For each={pipeline()?.stages ?? []}>
              {(s) => (
                <option value={s.id} selected={s.id === stageId()}>
                  {s.name}
                </option>
              )}
            </For>
          </select>
        </label>
      </Show>
      <Show when={!props.contact} fallback={<p class="small muted">For {props.contact!.name ?? props.contact!.phone}</p>}>
        <ContactPicker label="Contact" value={contact()} onChange={setContact} />
      </Show>
      <Show when={!props.compact}>
        <label>
          Owner
          <select onChange={(e) => setOwnerId(e.currentTarget.value)}>
            <option value="" selected={ownerId() === ''}>
              Nobody
            </option>
            <For each={props.team}>
              {(u) => (
                <option value={u.id} selected={u.id === ownerId()}>
                  {u.id === props.meId ? `${u.name} (me)` : u.name}
                </option>
              )}
            </For>
          </select>
        </label>
        <label>
          Expected close
          <input type="date" value={closeOn()} onInput={(e) => setCloseOn(e.currentTarget.value)} />
        </label>
      </Show>
      <ErrorLine message={action.error()} />
      <div class="form-buttons">
        <button type="submit" class="primary" disabled={busy()}>
          Create deal
        </button>
        <Show when={props.onCancel}>
          <button type="button" onClick={() => props.onCancel!()}>
            Cancel
          </button>
        </Show>
      </div>
    </form>
  );
}
