import { createEffect, createMemo, createResource, createSignal, createUniqueId, For, on, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { ErrorLine } from '../../ui/error-line';
import { MediaPicker } from '../templates/media-picker';
import { TemplateBubble } from '../templates/template-bubble';
import { previewTemplate } from '../templates/templates.api';
import { bubbleModel, languageName } from '../templates/templates.models';
import '../templates/templates.css';
import { fetchTemplateRecipient, fetchTemplates, sendTemplate } from './inbox.api';
import {
  effectiveValues,
  groupTemplates,
  mappingHint,
  mediaHeaderKind,
  missingSlots,
  preferredLanguage,
  renderTemplate,
  shownValue,
  slotInputs,
  slotsNamedIn,
  templateGroupLabel,
  valuesToSend,
  type SlotInput,
} from './inbox.models';

/** One value to type: label, the input (prefilled from the mapping), where the value comes from. */
function SlotField(props: { input: SlotInput; value: string; mapped: string | undefined; hint: string | null; invalid: boolean; onInput: (value: string) => void }) {
  const hintId = createUniqueId();
  const link = () => (props.input.prefix ? `Link: ${props.input.prefix}${props.value.trim() || props.mapped || '…'}` : null);
  const notes = () => [link(), props.hint].filter(Boolean).join(' · ');
  const placeholder = () =>
    props.mapped || (props.input.example ? `e.g. ${props.input.example}` : props.input.kind === 'location' ? 'Latitude, longitude' : props.input.optional ? 'The button’s text' : '');
  return (
    <>
      <label>
        {props.input.label}
        <input
          value={props.value}
          placeholder={placeholder()}
          autocomplete="off"
          enterkeyhint="next"
          inputMode={props.input.kind === 'url' ? 'url' : 'text'}
          aria-invalid={props.invalid || undefined}
          aria-describedby={notes() ? hintId : undefined}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      </label>
      <Show when={notes()}>
        <span id={hintId} class="muted small" style={{ 'overflow-wrap': 'anywhere', 'margin-top': '-4px' }}>
          {notes()}
        </span>
      </Show>
    </>
  );
}

/**
 * Outside the 24-hour window: pick an approved template (in the contact's language when it exists in
 * several), check the values the template's mapping gives this contact, fill or change any of them,
 * choose a header file if needed, and see exactly what goes out.
 */
export function TemplatePicker(props: { conversationId: string; onSent: () => void }) {
  const [templates] = createResource(fetchTemplates);
  const [recipient] = createResource(
    () => props.conversationId,
    (id) => fetchTemplateRecipient(id).catch(() => null),
  );
  const [name, setName] = createSignal('');
  const [language, setLanguage] = createSignal<string | null>(null);
  const [typed, setTyped] = createSignal<Record<string, string>>({});
  const [media, setMedia] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [invalid, setInvalid] = createSignal<string[]>([]);
  const [busy, setBusy] = createSignal(false);

  const groups = createMemo(() => groupTemplates(templates.state === 'ready' ? templates() : []));
  const group = () => groups().find((g) => g.name === name());
  const contactLanguage = () => (recipient.state === 'ready' ? (recipient()?.language ?? null) : null);
  const preferred = () => preferredLanguage(group()?.templates.map((t) => t.language) ?? [], contactLanguage());
  const chosen = createMemo(() => {
    const g = group();
    const lang = language() ?? preferred();
    return g?.templates.find((t) => t.language === lang) ?? g?.templates[0] ?? null;
  });
  const slots = () => chosen()?.slots ?? [];
  const inputs = createMemo(() => (chosen() ? slotInputs(chosen()!) : []));
  const mediaKind = () => (chosen() ? mediaHeaderKind(chosen()!) : null);

  // What the template's mapping gives this conversation's contact: prefills the inputs.
  const previewKey = createMemo(
    () => {
      const t = chosen();
      if (!t || recipient.loading) return null;
      return { id: t.id, contactId: recipient()?.contactId };
    },
    null,
    { equals: (a, b) => a?.id === b?.id && a?.contactId === b?.contactId },
  );
  const [preview] = createResource(previewKey, (k) => previewTemplate(k.id, k.contactId ? { contactId: k.contactId } : {}));
  const mapped = (): Record<string, string> => (preview.state === 'ready' ? preview().values : {});
  const previewSettled = () => preview.state === 'ready' || preview.state === 'errored';

  const headerMediaId = () => media() ?? chosen()?.mapping?.headerMediaId ?? null;
  const values = createMemo(() => effectiveValues(typed(), mapped()));
  const bubble = createMemo(() => (chosen() ? bubbleModel(renderTemplate(chosen()!, values(), headerMediaId())) : null));
  const missing = createMemo(() => missingSlots(slots(), values(), headerMediaId()));
  const missingLabels = () => missing().map((s) => inputs().find((i) => i.id === s.id)?.label ?? `Header ${s.kind}`);
  // When the contact's values could not be loaded, the server decides what is missing.
  const canSend = () => !!chosen() && !busy() && previewSettled() && (preview.state === 'errored' || missing().length === 0);

  const reset = () => (setTyped({}), setMedia(null), setError(null), setInvalid([]));
  createEffect(on(() => props.conversationId, () => (setName(''), setLanguage(null), reset()), { defer: true }));

  const choose = (value: string) => {
    setName(value);
    setLanguage(null);
    reset();
  };
  const type = (id: string, value: string) => {
    setTyped((v) => ({ ...v, [id]: value }));
    setInvalid((ids) => ids.filter((x) => x !== id));
  };

  const send = async (e: SubmitEvent) => {
    e.preventDefault();
    const t = chosen();
    if (!t || !canSend()) return;
    const conversationId = props.conversationId;
    setBusy(true);
    setError(null);
    setInvalid([]);
    try {
      await sendTemplate(conversationId, { name: t.name, language: t.language, values: valuesToSend(inputs(), typed(), mapped()), headerMediaId: media() });
      choose('');
      props.onSent();
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : 'Sending failed.');
      if (err instanceof ApiError) setInvalid(slotsNamedIn(err.message, slots().map((s) => s.id)));
    } finally {
      setBusy(false);
    }
  };

  const required = () => inputs().filter((i) => !i.optional);
  const optional = () => inputs().filter((i) => i.optional);
  const field = (i: SlotInput) => (
    <SlotField
      input={i}
      value={shownValue(i.id, typed(), mapped())}
      mapped={mapped()[i.id]}
      hint={mappingHint(chosen()?.mapping?.params[i.id])}
      invalid={invalid().includes(i.id)}
      onInput={(v) => type(i.id, v)}
    />
  );

  return (
    <form
      class="template-picker"
      onSubmit={send}
      aria-label="Send a template"
      aria-busy={preview.loading || busy()}
      style={{ 'max-height': '48dvh', 'overflow-y': 'auto', 'overscroll-behavior': 'contain' }}
    >
      <p class="notice small">The customer has not written in 24 hours, so WhatsApp only allows an approved template.</p>
      <Show when={templates.state === 'errored'}>
        <p class="error" role="alert">
          {templates.error instanceof Error ? templates.error.message : 'Templates could not be loaded.'}
        </p>
      </Show>
      <label>
        Template
        <select aria-label="Template" onChange={(e) => choose(e.currentTarget.value)} value={name()}>
          <option value="">{groups().length ? 'Choose an approved template' : templates.loading ? 'Loading templates…' : 'No approved templates yet'}</option>
          <For each={groups()}>{(g) => <option value={g.name}>{templateGroupLabel(g)}</option>}</For>
        </select>
      </label>
      <Show when={(group()?.templates.length ?? 0) > 1}>
        <label>
          Language
          <select value={chosen()?.language ?? ''} onChange={(e) => setLanguage(e.currentTarget.value)}>
            <For each={group()?.templates ?? []}>
              {(t) => (
                <option value={t.language}>
                  {`${languageName(t.language)} (${t.language})${contactLanguage() && t.language === preferred() ? ' · contact’s language' : ''}`}
                </option>
              )}
            </For>
          </select>
        </label>
      </Show>
      <Show when={chosen()}>
        <Show when={preview.loading}>
          <p class="muted small">Filling in this contact’s values…</p>
        </Show>
        <Show when={preview.state === 'errored'}>
          <p class="muted small">
            This contact’s values could not be loaded ({preview.error instanceof Error ? preview.error.message : 'error'}). Empty fields are filled from the template’s settings when sending.
          </p>
        </Show>
        <For each={required()}>{field}</For>
        <Show when={mediaKind()}>
          {(kind) => (
            <div role="group" aria-label={`Header ${kind()}`} style={{ display: 'grid', gap: '6px' }}>
              <span style={{ 'font-weight': 500 }}>{`Header ${kind()}`}</span>
              <Show when={!media() && chosen()?.mapping?.headerMediaId}>
                <span class="muted small">The template’s saved {kind()} is sent unless you upload another.</span>
              </Show>
              <MediaPicker kind={kind()} label={`Header ${kind()}`} mediaId={media()} onChange={setMedia} />
            </div>
          )}
        </Show>
        <Show when={optional().length}>
          <details>
            <summary style={{ 'min-height': '44px', display: 'flex', 'align-items': 'center', cursor: 'pointer' }}>Button reply payloads (optional)</summary>
            <div style={{ display: 'grid', gap: '8px' }}>
              <For each={optional()}>{field}</For>
            </div>
          </details>
        </Show>
        <Show when={bubble()}>{(b) => <TemplateBubble bubble={b()} label="Preview" />}</Show>
      </Show>
      {/* Stays in sight while the fields above scroll (the picker may be taller than a phone allows). */}
      <div style={{ position: 'sticky', bottom: '-12px', display: 'grid', gap: '6px', margin: '0 -12px -12px', padding: '8px 12px 12px', background: 'var(--surface)' }}>
        <Show when={chosen() && previewSettled() && missing().length}>
          <p class="muted small" data-testid="template-missing" style={{ margin: 0 }}>
            Still needed: {missingLabels().join(', ')}.
          </p>
        </Show>
        <button type="submit" class="primary" disabled={!canSend()}>
          {busy() ? 'Sending…' : 'Send template'}
        </button>
        <ErrorLine message={error()} />
      </div>
    </form>
  );
}
