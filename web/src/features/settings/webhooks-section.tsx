import { createResource, createSignal, For, Show } from 'solid-js';
import { createAction } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { ToneBadge } from '../../ui/tone-badge';
import { DeliveryLog } from './webhook-deliveries';
import { WebhookForm } from './webhook-form';
import { createWebhook, deleteWebhook, fetchEventTypes, fetchWebhooks, sendTestPing, updateWebhook, type Webhook, type WebhookDelivery, type WebhookInput } from './webhooks.api';
import { deliveryLabel, deliveryOutcome, deliveryTone, eventsSummary } from './webhooks.models';

/** Outbound webhooks: where Parley POSTs events, signed; each with its delivery log, a test ping and its secret. */
export function WebhooksSection() {
  const [hooks, { refetch }] = createResource(fetchWebhooks);
  const [types] = createResource(() => fetchEventTypes().catch(() => [] as string[]));
  const { error, run } = createAction();
  const [secret, setSecret] = createSignal<{ url: string; value: string } | null>(null);
  const [copied, setCopied] = createSignal(false);
  const [editing, setEditing] = createSignal<string | null>(null);
  const [logs, setLogs] = createSignal<ReadonlySet<string>>(new Set());
  const [tests, setTests] = createSignal<Record<string, WebhookDelivery>>({});
  const list = () => (hooks.state === 'ready' || hooks.state === 'refreshing' ? hooks.latest : undefined);

  let notice: HTMLDivElement | undefined;
  /** Shows a new secret once, where the eye is: the form that made it may be far below. */
  const showSecret = (url: string, value: string) => {
    setCopied(false);
    setSecret({ url, value });
    notice?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  };
  const create = (v: WebhookInput) =>
    run(async () => {
      const created = await createWebhook(v);
      showSecret(created.url, created.secret);
      await refetch();
    });
  const save = (w: Webhook, v: WebhookInput) =>
    run(async () => {
      await updateWebhook(w.id, v);
      setEditing(null);
      await refetch();
    });
  const setEnabled = (w: Webhook, enabled: boolean) => run(() => updateWebhook(w.id, { enabled }).then(() => refetch()));
  const rotate = (w: Webhook) => {
    if (!confirm(`Replace the signing secret of ${w.url}? Its receiver must switch to the new one at once.`)) return;
    void run(async () => {
      const updated = await updateWebhook(w.id, { rotateSecret: true });
      if (updated.secret) showSecret(updated.url, updated.secret);
    });
  };
  const remove = (w: Webhook) => {
    if (!confirm(`Delete the webhook to ${w.url}? Its delivery log goes too.`)) return;
    void run(async () => {
      await deleteWebhook(w.id);
      await refetch();
    });
  };
  const test = (w: Webhook) =>
    run(async () => {
      const delivery = await sendTestPing(w.id);
      setTests({ ...tests(), [w.id]: delivery });
      await refetch();
    });
  const toggleLog = (id: string) => {
    const next = new Set(logs());
    if (!next.delete(id)) next.add(id);
    setLogs(next);
  };
  const copy = async (value: string) => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      setCopied(false); // no clipboard (plain http): the secret stays selectable
    }
  };

  return (
    <section class="card" id="webhooks" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p class="muted small">
        Parley POSTs the events you choose to these URLs as JSON, signed with each webhook's secret in <code>x-parley-signature</code>. Failed deliveries are retried for 24 hours.
      </p>
      <Show when={secret()}>
        {(s) => (
          <div class="notice" role="status" ref={notice}>
            <p style={{ margin: '0 0 8px' }}>
              Signing secret for <strong style={{ 'overflow-wrap': 'anywhere' }}>{s().url}</strong>. Copy it now: it is shown once.
            </p>
            <code style={{ display: 'block', 'overflow-wrap': 'anywhere', 'user-select': 'all', 'margin-bottom': '8px' }} data-testid="webhook-secret">
              {s().value}
            </code>
            <div class="form-buttons">
              <button type="button" class="primary" onClick={() => void copy(s().value)}>
                {copied() ? 'Copied' : 'Copy secret'}
              </button>
              <button type="button" onClick={() => setSecret(null)}>
                Done
              </button>
            </div>
          </div>
        )}
      </Show>
      <ul class="plain">
        <For each={list()} fallback={<li class="muted">{hooks.loading ? 'Loading…' : 'No webhooks yet.'}</li>}>
          {(w) => (
            <li class="team-item" data-testid="webhook">
              <Show
                when={editing() === w.id}
                fallback={
                  <>
                    <div class="team-summary">
                      <div style={{ 'min-width': '0', flex: '1 1 260px' }}>
                        <strong style={{ 'overflow-wrap': 'anywhere' }}>{w.url}</strong>
                        <Show when={w.description}>
                          <span class="muted small"> · {w.description}</span>
                        </Show>
                        <div class="small muted">{eventsSummary(w.events)}</div>
                        <div class="small">
                          <Show when={w.lastDelivery} fallback={<span class="muted">No deliveries yet</span>}>
                            {(d) => (
                              <>
                                <ToneBadge tone={deliveryTone(d())}>{deliveryLabel(d())}</ToneBadge>{' '}
                                <span class="muted">
                                  {d().eventType} · {deliveryOutcome(d())} · {new Date(d().at).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })}
                                </span>
                              </>
                            )}
                          </Show>
                        </div>
                        <Show when={tests()[w.id]}>
                          {(t) => (
                            <div class="small" role="status">
                              Test ping: <ToneBadge tone={deliveryTone(t())}>{deliveryOutcome(t())}</ToneBadge>
                            </div>
                          )}
                        </Show>
                      </div>
                      <label class="check">
                        <input type="checkbox" checked={w.enabled} onChange={(e) => void setEnabled(w, e.currentTarget.checked)} />
                        <span>Enabled</span>
                      </label>
                    </div>
                    <div class="form-buttons" style={{ 'margin-top': '6px' }}>
                      <button type="button" aria-expanded={logs().has(w.id)} onClick={() => toggleLog(w.id)}>
                        {logs().has(w.id) ? 'Hide deliveries' : 'Deliveries'}
                      </button>
                      <button type="button" onClick={() => void test(w)}>
                        Send test
                      </button>
                      <button type="button" aria-label={`Edit webhook ${w.url}`} onClick={() => setEditing(w.id)}>
                        Edit
                      </button>
                      <button type="button" onClick={() => rotate(w)}>
                        Rotate secret
                      </button>
                      <button type="button" aria-label={`Delete webhook ${w.url}`} onClick={() => remove(w)}>
                        Delete
                      </button>
                    </div>
                    <Show when={logs().has(w.id)}>
                      <DeliveryLog webhook={w} onChange={() => void refetch()} />
                    </Show>
                  </>
                }
              >
                <WebhookForm webhook={w} eventTypes={types() ?? []} submitLabel="Save webhook" onSubmit={(v) => save(w, v)} onCancel={() => setEditing(null)} />
              </Show>
            </li>
          )}
        </For>
      </ul>
      <h3>Add a webhook</h3>
      <WebhookForm eventTypes={types() ?? []} submitLabel="Add webhook" onSubmit={create} />
      <ErrorLine message={error() ?? (hooks.state === 'errored' ? String(hooks.error?.message ?? 'Could not load webhooks.') : null)} />
    </section>
  );
}
