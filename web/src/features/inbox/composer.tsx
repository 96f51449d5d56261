import { createResource, createSignal, For, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { addNote, fetchCannedReplies, mediaTypeOf, sendMessageBody, uploadMedia, type Message } from './inbox.api';
import { TemplatePicker } from './template-picker';

const errorText = (err: unknown) => (err instanceof ApiError || err instanceof Error ? err.message : 'Sending failed.');

/**
 * Reply or internal note, with "/" canned replies, attachments (with upload progress) and reply-to.
 * A failed send keeps the typed text and shows the server's reason.
 */
export function Composer(props: {
  conversationId: string;
  windowOpen: boolean;
  replyTo: Message | null;
  onClearReply: () => void;
  onOptimistic: (text: string) => () => void;
  onSent: () => void;
}) {
  const [mode, setMode] = createSignal<'reply' | 'note'>('reply');
  const [draft, setDraft] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [progress, setProgress] = createSignal<number | null>(null);
  const [canned] = createResource(() => fetchCannedReplies().catch(() => []));
  let fileInput: HTMLInputElement | undefined;

  const suggestions = () => {
    const d = draft();
    if (mode() !== 'reply' || !d.startsWith('/')) return [];
    const q = d.slice(1).toLowerCase();
    return (canned() ?? []).filter((c) => c.shortcut.startsWith(q)).slice(0, 6);
  };

  /** "/" typed but the workspace has no canned replies yet: say so instead of showing nothing. */
  const noCanned = () => mode() === 'reply' && /^\/\S*$/.test(draft()) && canned.state === 'ready' && canned()!.length === 0;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const conversationId = props.conversationId;
    const text = draft().trim();
    if (!text) return;
    setBusy(true);
    setError(null);
    const undo = mode() === 'reply' ? props.onOptimistic(text) : () => undefined;
    try {
      if (mode() === 'note') await addNote(conversationId, text);
      else await sendMessageBody(conversationId, { type: 'text', text, ...(props.replyTo && { replyToMessageId: props.replyTo.id }) });
      setDraft('');
      props.onClearReply();
      props.onSent();
    } catch (err) {
      undo();
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const attach = async (file: File) => {
    const conversationId = props.conversationId; // the upload may outlive a switch of conversation
    setError(null);
    setProgress(0);
    try {
      const media = await uploadMedia(file, setProgress);
      const type = mediaTypeOf(media.mimeType);
      const caption = draft().trim();
      await sendMessageBody(conversationId, {
        type,
        mediaId: media.id,
        ...(caption && (type === 'image' || type === 'video' || type === 'document') && { caption }),
        ...(type === 'document' && { filename: file.name }),
        ...(props.replyTo && { replyToMessageId: props.replyTo.id }),
      });
      if (caption) setDraft('');
      props.onClearReply();
      props.onSent();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setProgress(null);
      if (fileInput) fileInput.value = '';
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
        <Show when={props.replyTo && mode() === 'reply'}>
          <div class="replying">
            <span class="small">Replying to: {props.replyTo!.text ?? `[${props.replyTo!.type}]`}</span>
            <button type="button" class="link" aria-label="Cancel reply" onClick={props.onClearReply}>
              ×
            </button>
          </div>
        </Show>
        <Show when={suggestions().length}>
          <ul class="canned" role="listbox" aria-label="Canned replies">
            <For each={suggestions()}>
              {(c) => (
                <li>
                  <button type="button" role="option" onClick={() => setDraft(c.body)}>
                    <strong>/{c.shortcut}</strong> <span class="muted">{c.body}</span>
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <Show when={noCanned()}>
          <p class="canned muted small" role="status">
            No canned replies yet — add them in Settings
          </p>
        </Show>
        <Show when={progress() !== null}>
          <progress max="1" value={progress()!} aria-label="Upload progress" />
        </Show>
        <form class={`composer ${mode()}`} onSubmit={submit}>
          <Show when={mode() === 'reply'}>
            <input ref={fileInput} type="file" hidden accept="image/jpeg,image/png,image/webp,video/mp4,video/3gpp,audio/*,application/pdf,text/plain,.doc,.docx,.xls,.xlsx,.ppt,.pptx" onChange={(e) => e.currentTarget.files?.[0] && void attach(e.currentTarget.files[0])} />
            <button type="button" class="attach" aria-label="Attach a file" onClick={() => fileInput?.click()} disabled={progress() !== null}>
              📎
            </button>
          </Show>
          <textarea
            aria-label={mode() === 'note' ? 'Note' : 'Message'}
            placeholder={mode() === 'note' ? 'Only your team sees notes' : 'Reply… (/ for canned)'}
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
