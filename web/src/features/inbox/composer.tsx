import { createSignal, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { addNote, sendText } from './inbox.api';
import { TemplatePicker } from './template-picker';

/** Reply or internal note. A failed send keeps the typed text and shows the server's reason. */
export function Composer(props: { conversationId: string; windowOpen: boolean; onSent: () => void }) {
  const [mode, setMode] = createSignal<'reply' | 'note'>('reply');
  const [draft, setDraft] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const text = draft().trim();
    if (!text) return;
    setBusy(true);
    setError(null);
    try {
      if (mode() === 'note') await addNote(props.conversationId, text);
      else await sendText(props.conversationId, text);
      setDraft('');
      props.onSent();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Sending failed.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="composer-area">
      <div class="composer-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={mode() === 'reply'} class={mode() === 'reply' ? 'active' : ''} onClick={() => setMode('reply')}>
          Reply
        </button>
        <button type="button" role="tab" aria-selected={mode() === 'note'} class={mode() === 'note' ? 'active' : ''} onClick={() => setMode('note')}>
          Internal note
        </button>
      </div>
      <Show when={mode() === 'note' || props.windowOpen} fallback={<TemplatePicker conversationId={props.conversationId} onSent={props.onSent} />}>
        <form class={`composer ${mode()}`} onSubmit={submit}>
          <textarea
            aria-label={mode() === 'note' ? 'Note' : 'Message'}
            placeholder={mode() === 'note' ? 'Only your team sees notes' : 'Type a reply'}
            rows={1}
            value={draft()}
            onInput={(e) => setDraft(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
          />
          <button type="submit" class="primary" disabled={busy() || !draft().trim()}>
            {mode() === 'note' ? 'Add note' : 'Send'}
          </button>
        </form>
      </Show>
      <Show when={error()}>
        <p class="error composer-error" role="alert">
          {error()}
        </p>
      </Show>
    </div>
  );
}
