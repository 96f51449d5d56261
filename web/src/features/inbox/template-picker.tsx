import { ErrorLine } from '../../ui/error-line';
import { createMemo, createResource, createSignal, For, Index, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { fetchTemplates, sendTemplate, type Template } from './inbox.api';
import { renderTemplateBody } from './inbox.models';

/** Outside the 24-hour window: pick an approved template, fill its variables, see exactly what goes out. */
export function TemplatePicker(props: { conversationId: string; onSent: () => void }) {
  const [templates] = createResource(fetchTemplates);
  const [chosen, setChosen] = createSignal<Template | null>(null);
  const [values, setValues] = createSignal<string[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const list = () => (templates.state === 'ready' ? templates() : []);
  const body = createMemo(() => chosen()?.components.find((c) => c.type === 'BODY')?.text ?? '');
  const complete = () => !!chosen() && values().filter(Boolean).length === chosen()!.bodyParameters.length;

  const choose = (id: string) => {
    const t = list().find((x) => x.id === id) ?? null;
    setChosen(t);
    setValues(t ? t.bodyParameters.map(() => '') : []);
  };
  const send = async (e: SubmitEvent) => {
    e.preventDefault();
    const t = chosen();
    if (!t) return;
    setBusy(true);
    setError(null);
    try {
      await sendTemplate(props.conversationId, t, values());
      setChosen(null);
      props.onSent();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Sending failed.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="template-picker" onSubmit={send} aria-label="Send a template">
      <p class="notice small">The customer has not written in 24 hours, so WhatsApp only allows an approved template.</p>
      <Show when={templates.state === 'errored'}>
        <p class="error" role="alert">
          {templates.error instanceof Error ? templates.error.message : 'Templates could not be loaded.'}
        </p>
      </Show>
      <label>
        Template
        <select aria-label="Template" onChange={(e) => choose(e.currentTarget.value)} value={chosen()?.id ?? ''}>
          <option value="">{list().length ? 'Choose an approved template' : 'No approved templates yet'}</option>
          <For each={list()}>{(t) => <option value={t.id}>{`${t.name} (${t.language})`}</option>}</For>
        </select>
      </label>
      <Show when={chosen()}>
        {(t) => (
          <>
            <Index each={t().bodyParameters}>
              {(name, i) => (
                <label>
                  {`Variable {{${name()}}}`}
                  <input value={values()[i] ?? ''} onInput={(e) => setValues((v) => v.map((x, j) => (j === i ? e.currentTarget.value : x)))} />
                </label>
              )}
            </Index>
            <div class="bubble outbound preview" aria-label="Preview">
              <p class="text">{renderTemplateBody(body(), t().bodyParameters, values())}</p>
            </div>
          </>
        )}
      </Show>
      <button type="submit" class="primary" disabled={!complete() || busy()}>
        Send template
      </button>
      <ErrorLine message={error()} />
    </form>
  );
}
