import { createEffect, createMemo, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { errorMessage } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { ContactPicker, type PickedContact } from '../contacts/contact-picker';
import { TemplateBubble } from './template-bubble';
import { previewTemplate, type Mapping, type TemplatePreview as Preview } from './templates.api';
import { bubbleModel } from './templates.models';

/**
 * The message as a chosen contact would get it (or with the fallbacks when none is chosen), rendered by
 * the server from the mapping being edited; asked again 400 ms after the last change.
 */
export function TemplatePreview(props: { templateId: string; mapping: Mapping; slotLabels: Record<string, string> }) {
  const [contact, setContact] = createSignal<PickedContact | null>(null);
  const [preview, setPreview] = createSignal<Preview | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let version = 0;
  onCleanup(() => clearTimeout(timer));
  // A memo: an edit that changes nothing the server sees (a space trimmed away) asks nothing.
  const request = createMemo(() => JSON.stringify({ id: props.templateId, mapping: props.mapping, contactId: contact()?.id }));
  createEffect(
    on(request, () => {
      clearTimeout(timer);
      const v = ++version;
      const id = props.templateId;
      const body = { mapping: props.mapping, ...(contact() && { contactId: contact()!.id }) };
      setLoading(true);
      timer = setTimeout(async () => {
        try {
          const p = await previewTemplate(id, body);
          if (v === version) (setPreview(p), setError(null));
        } catch (err) {
          if (v === version) setError(errorMessage(err));
        } finally {
          if (v === version) setLoading(false);
        }
      }, 400);
    }),
  );

  return (
    <div class="template-preview" aria-busy={loading()}>
      <ContactPicker label="Preview for contact" value={contact()} onChange={setContact} />
      <Show when={!contact()}>
        <p class="muted small">No contact chosen: fields show their fallbacks.</p>
      </Show>
      <Show when={preview()} fallback={<p class="muted small">{error() ? '' : 'Rendering preview…'}</p>}>
        {(p) => (
          <>
            <TemplateBubble bubble={bubbleModel(p().preview)} />
            <Show when={p().missing.length}>
              <p class="notice small" role="status" data-testid="preview-missing">
                No value for: <For each={p().missing}>{(id, i) => <>{(i() ? ', ' : '') + (props.slotLabels[id] ?? id)}</>}</For>. The message cannot be sent to this contact until these have a value or a fallback.
              </p>
            </Show>
          </>
        )}
      </Show>
      <ErrorLine message={error()} />
    </div>
  );
}
