import { createSignal, For, Show } from 'solid-js';
import { createAction } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { formatDuration } from '../inbox/inbox.models';
import { updateTask } from '../tasks/tasks.api';
import { fromLocalInput } from '../tasks/tasks.models';
import { createDealTask, requestPayment, type DealDetail } from './deals.api';
import { formatMoney } from './deals.models';
import { CurrencyOptions } from './new-deal-form';

const when = (iso: string) => new Date(iso).toLocaleString([], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** How long the deal spent in each stage, and every move with who made it. */
export function StageHistory(props: { deal: DealDetail; names: Map<string, string> }) {
  return (
    <section aria-labelledby="deal-history">
      <h3 id="deal-history">Time in stages</h3>
      <ul class="plain time-in-stages">
        <For each={props.deal.timeInStages}>
          {(t) => (
            <li>
              <span>{t.stage?.name ?? 'Removed stage'}</span>
              <span class="muted">
                {formatDuration(t.ms)}
                {t.current ? ' (now)' : ''}
              </span>
            </li>
          )}
        </For>
      </ul>
      <h3>Stage history</h3>
      <ol class="plain stage-history">
        <For each={[...props.deal.stageHistory].reverse()}>
          {(h) => (
            <li data-testid="stage-move">
              <span>{h.from ? `${h.from.name ?? 'Removed stage'} → ${h.to?.name ?? 'Removed stage'}` : `Created in ${h.to?.name ?? 'a removed stage'}`}</span>
              <span class="small muted">
                {when(h.at)}
                {h.msInPrevious !== null ? ` · after ${formatDuration(h.msInPrevious)}` : ''}
                {h.actorId && props.names.get(h.actorId) ? ` · ${props.names.get(h.actorId)}` : ''}
              </span>
            </li>
          )}
        </For>
      </ol>
    </section>
  );
}

/** The deal's tasks: tick off, add one with a due time. */
export function DealTasks(props: { deal: DealDetail; onChange: () => void }) {
  const [title, setTitle] = createSignal('');
  const [due, setDue] = createSignal('');
  const action = createAction();
  const add = async (e: SubmitEvent) => {
    e.preventDefault();
    const ok = await action.run(() => createDealTask({ title: title().trim(), dueAt: fromLocalInput(due()) ?? undefined, dealId: props.deal.id }));
    if (ok) {
      setTitle('');
      setDue('');
      props.onChange();
    }
  };
  return (
    <section aria-labelledby="deal-tasks">
      <h3 id="deal-tasks">Tasks</h3>
      <ul class="plain">
        <For each={props.deal.tasks} fallback={<li class="muted small">No tasks yet.</li>}>
          {(t) => (
            <li>
              <label class="check">
                <input type="checkbox" checked={t.done} onChange={(e) => void action.run(() => updateTask(t.id, { done: e.currentTarget.checked })).then(props.onChange)} />
                <span class={t.done ? 'muted done-text' : ''}>
                  {t.title}
                  <Show when={t.dueAt}>
                    <span class="small muted"> · due {when(t.dueAt!)}</span>
                  </Show>
                </span>
              </label>
            </li>
          )}
        </For>
      </ul>
      <form class="inline-form" aria-label="New deal task" onSubmit={add}>
        <input aria-label="Task title" placeholder="Send the invoice" required maxLength={300} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
        <input type="datetime-local" aria-label="Task due" value={due()} onInput={(e) => setDue(e.currentTarget.value)} />
        <button type="submit">Add task</button>
      </form>
      <ErrorLine message={action.error()} />
    </section>
  );
}

const PAYMENT_LABEL: Record<string, string> = { none: 'Not requested', pending: 'Pending', paid: 'Paid', failed: 'Failed', refunded: 'Refunded', cancelled: 'Cancelled' };

/** Payment status (set only by the payment integration) and a form to request a payment with a link. */
export function DealPayment(props: { deal: DealDetail; onChange: () => void }) {
  const p = () => props.deal.payment;
  const [amount, setAmount] = createSignal(props.deal.amount ?? '');
  const [currency, setCurrency] = createSignal(props.deal.currency ?? '');
  const [link, setLink] = createSignal('');
  const [ref, setRef] = createSignal('');
  const [open, setOpen] = createSignal(false);
  const action = createAction();
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const ok = await action.run(() => requestPayment(props.deal.id, { amount: amount().trim().replace(',', '.'), currency: currency().trim().toUpperCase(), link: link().trim(), providerRef: ref().trim() || undefined }));
    if (ok) {
      setOpen(false);
      props.onChange();
    }
  };
  return (
    <section aria-labelledby="deal-payment">
      <h3 id="deal-payment">Payment</h3>
      <p data-testid="payment-status">
        <span class={`payment-badge payment-${p().status}`}>{PAYMENT_LABEL[p().status] ?? p().status}</span>
        <Show when={p().amount}> {formatMoney(p().amount, p().currency)}</Show>
        <Show when={p().updatedAt}>
          <span class="small muted"> · {when(p().updatedAt!)}</span>
        </Show>
      </p>
      <Show when={p().link}>
        <p class="small payment-link">
          <a href={p().link!} target="_blank" rel="noopener noreferrer">
            Payment link
          </a>
          <Show when={p().providerRef}> · {p().providerRef}</Show>
        </p>
      </Show>
      <Show when={p().status !== 'paid' && p().status !== 'refunded'}>
        <Show when={open()} fallback={<button type="button" onClick={() => setOpen(true)}>{p().status === 'none' ? 'Request payment' : 'New payment request'}</button>}>
          <form class="deal-form" aria-label="Request payment" onSubmit={submit}>
            <div class="money-fields">
              <label>
                Amount
                <input required inputMode="decimal" pattern="[0-9]+([.,][0-9]+)?" value={amount()} onInput={(e) => setAmount(e.currentTarget.value)} />
              </label>
              <label>
                Currency
                <input class="currency" required list="payment-currencies" maxLength={3} pattern="[A-Za-z]{3}" value={currency()} onInput={(e) => setCurrency(e.currentTarget.value.toUpperCase())} />
              </label>
              <CurrencyOptions id="payment-currencies" />
            </div>
            <label>
              Payment link (https)
              <input type="url" required pattern="https://.+" placeholder="https://pay.example.com/…" value={link()} onInput={(e) => setLink(e.currentTarget.value)} />
            </label>
            <label>
              Provider reference (optional)
              <input maxLength={200} value={ref()} onInput={(e) => setRef(e.currentTarget.value)} />
            </label>
            <div class="form-buttons">
              <button type="submit" class="primary">
                Request payment
              </button>
              <button type="button" onClick={() => setOpen(false)}>
                Cancel
              </button>
            </div>
          </form>
        </Show>
      </Show>
      <ErrorLine message={action.error()} />
      <p class="small muted">The status changes when your payment provider reports it (API token).</p>
    </section>
  );
}
