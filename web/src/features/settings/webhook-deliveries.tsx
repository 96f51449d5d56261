import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { createAction } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { ToneBadge } from '../../ui/tone-badge';
import { fetchDeliveries, redeliver, type DeliveryState, type Webhook, type WebhookDelivery } from './webhooks.api';
import { deliveryLabel, deliveryOutcome, deliveryTone } from './webhooks.models';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'medium' }) : '');

/** A webhook's delivery log, newest first: outcome, attempts, error, the start of the answer, "Redeliver". */
export function DeliveryLog(props: { webhook: Webhook; onChange?: () => void }) {
  const [state, setState] = createSignal<DeliveryState | undefined>(undefined);
  const [entries, setEntries] = createSignal<WebhookDelivery[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  const { error, run } = createAction();
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  const load = async (more: boolean) => {
    const s = state();
    setLoading(true);
    await run(async () => {
      const page = await fetchDeliveries(props.webhook.id, more ? (cursor() ?? undefined) : undefined, s);
      if (s !== state()) return; // the filter changed meanwhile; its own load wins
      setEntries((e) => (more ? [...e, ...page.data] : page.data));
      setCursor(page.nextCursor);
    });
    setLoading(false);
  };
  createEffect(on(state, () => void load(false)));

  /** Queues a new attempt, shows the row as pending, and looks again once the attempt has had time to run. */
  const again = (d: WebhookDelivery) =>
    run(async () => {
      const row = await redeliver(props.webhook.id, d.id);
      setEntries((list) => list.map((x) => (x.id === row.id ? row : x)));
      clearTimeout(timer);
      timer = setTimeout(() => {
        void load(false);
        props.onChange?.();
      }, 2500);
    });

  return (
    <div class="webhook-log" aria-label={`Deliveries to ${props.webhook.url}`} role="region">
      <div class="section-head">
        <h3 style={{ margin: 0 }}>Deliveries</h3>
        <div class="form-buttons">
          <select aria-label="Delivery state" value={state() ?? ''} onChange={(e) => setState((e.currentTarget.value || undefined) as DeliveryState | undefined)}>
            <option value="">All</option>
            <option value="pending">Pending</option>
            <option value="delivered">Delivered</option>
            <option value="failed">Failed</option>
          </select>
          <button type="button" onClick={() => void load(false)} disabled={loading()}>
            Refresh
          </button>
        </div>
      </div>
      <ol class="audit-list" aria-busy={loading()}>
        <For each={entries()} fallback={<li class="muted small">{loading() ? 'Loading…' : 'No deliveries yet.'}</li>}>
          {(d) => (
            <li class="audit-entry" data-testid="webhook-delivery">
              <div class="audit-line">
                <span>
                  <ToneBadge tone={deliveryTone(d)}>{deliveryLabel(d)}</ToneBadge> <code class="small">{d.eventType}</code>
                </span>
                <time class="small muted" datetime={d.lastAttemptAt ?? d.createdAt}>
                  {when(d.lastAttemptAt ?? d.createdAt)}
                </time>
              </div>
              <div class="audit-line small">
                <span style={{ 'overflow-wrap': 'anywhere' }}>
                  {deliveryOutcome(d)} · {d.attempts} {d.attempts === 1 ? 'attempt' : 'attempts'}
                  <Show when={d.state === 'pending' && d.attempts > 0 && d.nextAttemptAt}>
                    <span class="muted"> · next try {when(d.nextAttemptAt)}</span>
                  </Show>
                </span>
                <button type="button" class="link" aria-label={`Redeliver ${d.eventType} ${d.id}`} onClick={() => void again(d)}>
                  Redeliver
                </button>
              </div>
              <Show when={d.lastResponse}>
                <details class="small">
                  <summary>Response</summary>
                  <pre style={{ margin: '4px 0 0', 'white-space': 'pre-wrap', 'overflow-wrap': 'anywhere', 'max-height': '12rem', overflow: 'auto' }}>{d.lastResponse}</pre>
                </details>
              </Show>
            </li>
          )}
        </For>
      </ol>
      <Show when={cursor()}>
        <button type="button" class="load-more" disabled={loading()} onClick={() => void load(true)}>
          Load more
        </button>
      </Show>
      <ErrorLine message={error()} />
    </div>
  );
}
