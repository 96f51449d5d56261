import { createMemo, createSignal, For, Show } from 'solid-js';
import type { Webhook, WebhookInput } from './webhooks.api';
import { coveredByWildcard, groupEventTypes, togglePattern, validateWebhookForm, type WebhookFormErrors } from './webhooks.models';

/** URL, description and the events (grouped by kind, each group with "all … events") of a webhook, to add or edit one. */
export function WebhookForm(props: { webhook?: Webhook; eventTypes: string[]; submitLabel: string; onSubmit: (v: WebhookInput) => Promise<boolean>; onCancel?: () => void }) {
  const init = () => ({ url: props.webhook?.url ?? '', description: props.webhook?.description ?? '', events: props.webhook?.events ?? [] });
  const [v, setV] = createSignal(init());
  const [errors, setErrors] = createSignal<WebhookFormErrors | null>(null);
  const groups = createMemo(() => groupEventTypes(props.eventTypes));
  const all = () => v().events.includes('*');
  const toggle = (pattern: string, on: boolean) => {
    setV({ ...v(), events: togglePattern(v().events, pattern, on) });
    if (errors()?.events) setErrors({ ...errors(), events: undefined });
  };
  const id = props.webhook?.id ?? 'new';

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const x = v();
    const problems = validateWebhookForm(x);
    setErrors(problems);
    if (problems) return;
    const ok = await props.onSubmit({ url: x.url.trim(), events: x.events, description: x.description.trim() || null });
    if (ok && !props.webhook) setV(init());
  };

  return (
    <form class="team-form" aria-label={props.webhook ? `Edit webhook ${props.webhook.url}` : 'New webhook'} onSubmit={submit} novalidate>
      <div class="wide-fields">
        <label>
          Endpoint URL
          <input
            type="url"
            inputmode="url"
            placeholder="https://example.com/parley-webhook"
            maxLength={2000}
            value={v().url}
            aria-invalid={errors()?.url ? 'true' : undefined}
            aria-describedby={`webhook-url-error-${id}`}
            onInput={(e) => setV({ ...v(), url: e.currentTarget.value })}
          />
          <Show when={errors()?.url}>
            <span class="error small" id={`webhook-url-error-${id}`}>
              {errors()?.url}
            </span>
          </Show>
        </label>
        <label>
          Description (optional)
          <input placeholder="What receives it, e.g. Zapier" maxLength={500} value={v().description} onInput={(e) => setV({ ...v(), description: e.currentTarget.value })} />
        </label>
      </div>
      <fieldset class="checks">
        <legend>Events</legend>
        <label class="check">
          <input type="checkbox" checked={all()} onChange={(e) => toggle('*', e.currentTarget.checked)} />
          <span>All events, including kinds added later</span>
        </label>
      </fieldset>
      <div class="wide-fields">
        <For each={groups()}>
          {(g) => (
            <fieldset class="checks" disabled={all()} style={{ 'align-content': 'flex-start' }}>
              <legend>{g.label}</legend>
              <label class="check">
                <input type="checkbox" checked={all() || v().events.includes(g.pattern)} onChange={(e) => toggle(g.pattern, e.currentTarget.checked)} />
                <span>
                  <strong>All {g.prefix} events</strong>
                </span>
              </label>
              <For each={g.types}>
                {(t) => (
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={coveredByWildcard(v().events, t.type) || v().events.includes(t.type)}
                      disabled={coveredByWildcard(v().events, t.type)}
                      onChange={(e) => toggle(t.type, e.currentTarget.checked)}
                    />
                    <span>{t.label}</span>
                  </label>
                )}
              </For>
            </fieldset>
          )}
        </For>
      </div>
      <Show when={errors()?.events}>
        <p class="error small" role="alert">
          {errors()?.events}
        </p>
      </Show>
      <div class="form-buttons">
        <button type="submit" class="primary">
          {props.submitLabel}
        </button>
        <Show when={props.onCancel}>
          <button type="button" onClick={() => props.onCancel?.()}>
            Cancel
          </button>
        </Show>
      </div>
    </form>
  );
}
