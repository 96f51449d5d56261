import { ErrorLine } from '../../ui/error-line';
import { A } from '@solidjs/router';
import { createResource, createSignal, For, lazy, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { ConsentSection } from '../consent/consent-section';
import { addTag, fetchContactConversations, removeTag, updateContact, type Contact } from './inbox.api';

// The deals part comes with the deals chunk, fetched when a contact panel first shows.
const ContactDeals = lazy(() => import('../deals/contact-deals').then((m) => ({ default: m.ContactDeals })));

type FullContact = Contact & {
  userId?: string | null;
  profileName?: string | null;
  language?: string | null;
  marketingOptOut?: boolean;
  consent?: { source: string; at: string } | null;
  firstTouch?: { headline?: string | null; sourceUrl?: string | null; sourceType?: string | null } | null;
};

/** Who the customer is: identity, tags, consent, where they came from. */
export function ContactPanel(props: { contact: FullContact; conversationId: string; onChange: () => void }) {
  const [tag, setTag] = createSignal('');
  const [others] = createResource(() => props.contact.id, (id) => fetchContactConversations(id).catch(() => []));
  const [error, setError] = createSignal<string | null>(null);
  const c = () => props.contact;
  const run = async (p: Promise<unknown>) => {
    setError(null);
    try {
      await p;
      props.onChange();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not save.');
    }
  };
  return (
    <aside class="contact-panel" aria-label="Contact">
      <form
        class="name-form"
        onSubmit={(e) => {
          e.preventDefault();
          const name = new FormData(e.currentTarget).get('name');
          if (typeof name === 'string' && name.trim() && name.trim() !== c().name) void run(updateContact(c().id, { name: name.trim() }));
        }}
      >
        <input name="name" aria-label="Contact name" value={c().name ?? ''} placeholder={c().phone ?? 'Name'} onBlur={(e) => e.currentTarget.form?.requestSubmit()} />
      </form>
      <dl>
        <dt>Phone</dt>
        <dd>{c().phone ?? '—'}</dd>
        <dt>WhatsApp</dt>
        <dd>{[c().waId, c().username, c().userId].filter(Boolean).join(' · ') || '—'}</dd>
        <Show when={c().profileName && c().profileName !== c().name}>
          <dt>Profile name</dt>
          <dd>{c().profileName}</dd>
        </Show>
        <Show when={c().firstTouch}>
          {(ft) => (
            <>
              <dt>First touch</dt>
              <dd>Ad{ft().headline ? `: ${ft().headline}` : ''}</dd>
            </>
          )}
        </Show>
      </dl>
      <div class="tags">
        <For each={c().tags}>
          {(t) => (
            <span class="tag">
              {t}
              <button type="button" class="link" aria-label={`Remove tag ${t}`} onClick={() => run(removeTag(c().id, t))}>
                ×
              </button>
            </span>
          )}
        </For>
      </div>
      <form
        class="tag-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (tag().trim()) void run(addTag(c().id, tag().trim())).then(() => setTag(''));
        }}
      >
        <input aria-label="New tag" placeholder="Add a tag" value={tag()} onInput={(e) => setTag(e.currentTarget.value)} />
        <button type="submit">Add</button>
      </form>
      <h4>Marketing consent</h4>
      <ConsentSection contactId={c().id} compact refreshKey={props.contact} onChange={props.onChange} />
      <A href={`/contacts/${c().id}`} class="small">
        Open contact page
      </A>
      <ContactDeals contact={c()} conversationId={props.conversationId} refreshKey={props.contact} />
      <Show when={(others() ?? []).filter((o) => o.id !== props.conversationId).length}>
        <h4>Other conversations</h4>
        <ul class="plain">
          <For each={(others() ?? []).filter((o) => o.id !== props.conversationId)}>
            {(o) => (
              <li>
                <A href={`/c/${o.id}`}>
                  {o.status} · {o.lastMessage?.text ?? 'no messages'}
                </A>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <ErrorLine message={error()} />
    </aside>
  );
}
