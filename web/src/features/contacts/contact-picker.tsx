import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { contactLabel, fetchContacts, type ContactRecord } from './contacts.api';

export type PickedContact = Pick<ContactRecord, 'id' | 'name' | 'phone'>;

/**
 * Finds a contact by name, phone, email or company as you type and picks one. Shows the choice with a
 * button to clear it. `exclude` hides one contact (the one being merged into).
 */
export function ContactPicker(props: { label: string; value: PickedContact | null; onChange: (c: PickedContact | null) => void; exclude?: string }) {
  const [text, setText] = createSignal('');
  const [q, setQ] = createSignal('');
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const type = (value: string) => {
    setText(value);
    clearTimeout(timer);
    timer = setTimeout(() => setQ(value.trim()), 250);
  };
  const [found] = createResource(
    () => (q().length >= 2 ? q() : null),
    (query) => fetchContacts({ q: query }, null, 8).then((p) => p.data.filter((c) => c.id !== props.exclude)),
  );
  const pick = (c: PickedContact) => {
    props.onChange(c);
    setText('');
    setQ('');
  };
  return (
    <div class="contact-picker">
      <Show
        when={props.value}
        fallback={
          <label>
            {props.label}
            <input type="search" placeholder="Search by name or phone" autocomplete="off" value={text()} onInput={(e) => type(e.currentTarget.value)} />
          </label>
        }
      >
        {(c) => (
          <div class="picked">
            <span class="picked-label">{props.label}</span>
            <span class="chip">
              {contactLabel(c())}
              <Show when={c().name && c().phone}>
                <span class="muted small"> {c().phone}</span>
              </Show>
              <button type="button" class="link" aria-label={`Clear ${props.label.toLowerCase()}`} onClick={() => props.onChange(null)}>
                ×
              </button>
            </span>
          </div>
        )}
      </Show>
      <Show when={!props.value && q().length >= 2}>
        <ul class="picker-results" aria-label="Matching contacts">
          <For each={found() ?? []} fallback={<li class="muted small">{found.loading ? 'Searching…' : 'No contact matches.'}</li>}>
            {(c) => (
              <li>
                <button type="button" onClick={() => pick(c)}>
                  <strong>{contactLabel(c)}</strong>
                  <Show when={c.name && c.phone}>
                    <span class="muted small"> {c.phone}</span>
                  </Show>
                  <Show when={c.company}>
                    <span class="muted small"> · {c.company}</span>
                  </Show>
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
