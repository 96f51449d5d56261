import { A, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import { fetchCustomFields } from '../../lib/custom-fields';
import { createLiveTick } from '../../lib/live';
import { createAction, errorMessage } from '../../ui/action';
import { AppShell, isStaff } from '../../ui/app-shell';
import { ErrorLine } from '../../ui/error-line';
import type { Me } from '../auth/auth.api';
import { forgetContactName } from '../deals/deals.api';
import { fetchTeam } from '../inbox/inbox.api';
import { ConsentSection } from '../consent/consent-section';
import { ContactForm } from './contact-form';
import { ContactMerge } from './contact-merge';
import { ContactRelated } from './contact-related';
import { addContactTag, contactLabel, deleteContact, fetchContact, removeContactTag, type ContactRecord } from './contacts.api';
import '../../ui/crm.css';

/** One contact: edit form with custom fields, tags, conversations, deals, tasks, merge, delete. */
export function ContactPage() {
  return <AppShell>{(me) => <ContactBody me={me} />}</AppShell>;
}

function ContactBody(props: { me: Me }) {
  const params = useParams<{ id: string }>();
  const navigate = useNavigate();
  const tick = createLiveTick();
  const [contact, { mutate, refetch }] = createResource(() => params.id, fetchContact);
  const [team] = createResource(() => fetchTeam().catch(() => []));
  const [fields] = createResource(() => fetchCustomFields('contact').catch(() => []));
  const [version, setVersion] = createSignal(0);
  const [formKey, setFormKey] = createSignal(0);
  const [tag, setTag] = createSignal('');
  const [confirming, setConfirming] = createSignal(false);
  const tags = createAction();
  const removal = createAction();
  createEffect(on(tick, () => (void refetch(), setVersion((v) => v + 1)), { defer: true }));
  const current = () => (contact.state === 'ready' || contact.state === 'refreshing' ? contact.latest : undefined);
  const changed = (c: ContactRecord) => {
    mutate(c);
    forgetContactName(c.id);
    setVersion((v) => v + 1);
  };
  const addTag = async (e: SubmitEvent) => {
    e.preventDefault();
    const t = tag().trim();
    if (t && (await tags.run(async () => mutate(await addContactTag(params.id, t))))) setTag('');
  };
  const remove = async () => {
    if (await removal.run(() => deleteContact(params.id))) navigate('/contacts', { replace: true });
  };

  return (
    <main class="page contact-page" aria-labelledby="contact-title">
      <div class="page-head">
        <A href="/contacts" class="small">
          ← Contacts
        </A>
      </div>
      <Show when={current()} fallback={<p class={contact.error ? 'error' : 'muted'}>{contact.error ? errorMessage(contact.error) : 'Loading…'}</p>}>
        {(c) => (
          <>
            <section class="card" aria-labelledby="contact-title">
              <h1 id="contact-title" class="contact-title">
                {contactLabel(c())}
              </h1>
              <p class="muted small">
                {[c().phone, c().username ? `@${c().username}` : null, c().profileName && c().profileName !== c().name ? `WhatsApp name: ${c().profileName}` : null].filter(Boolean).join(' · ')}
                {c().marketingOptOut ? ' · Opted out of marketing' : ''}
              </p>
              <div class="tags" aria-label="Tags">
                <For each={c().tags}>
                  {(t) => (
                    <span class="tag">
                      {t}
                      <button type="button" class="link" aria-label={`Remove tag ${t}`} onClick={() => void tags.run(async () => mutate(await removeContactTag(c().id, t)))}>
                        ×
                      </button>
                    </span>
                  )}
                </For>
              </div>
              <form class="tag-form" onSubmit={addTag}>
                <input aria-label="New tag" placeholder="Add a tag" maxLength={50} value={tag()} onInput={(e) => setTag(e.currentTarget.value)} />
                <button type="submit">Add</button>
              </form>
              <ErrorLine message={tags.error()} />
            </section>
            <section class="card" aria-labelledby="contact-consent">
              <h2 id="contact-consent">Marketing consent</h2>
              <ConsentSection contactId={c().id} refreshKey={version()} onChange={() => void refetch()} />
            </section>
            <section class="card" aria-labelledby="contact-details">
              <h2 id="contact-details">Details</h2>
              {/* Keyed: a live refresh does not wipe what is being typed; a merge does reload the form. */}
              <Show when={fields.state === 'ready' && `${c().id}:${formKey()}`} keyed>
                <ContactForm contact={c()} team={team() ?? []} fields={fields() ?? []} onSaved={changed} />
              </Show>
            </section>
            <ContactRelated contactId={c().id} version={version()} />
            <ContactMerge contact={c()} onMerged={(m) => (changed(m), setFormKey((k) => k + 1))} />
            <Show when={isStaff(props.me)}>
              <section class="card danger-zone" aria-labelledby="contact-delete">
                <h2 id="contact-delete">Delete contact</h2>
                <Show
                  when={confirming()}
                  fallback={
                    <button type="button" class="danger" onClick={() => setConfirming(true)}>
                      Delete contact…
                    </button>
                  }
                >
                  <p>Delete {contactLabel(c())} with all their conversations and messages? Their deals and tasks stay, unlinked. This cannot be undone.</p>
                  <div class="form-buttons">
                    <button type="button" class="danger" onClick={remove}>
                      Yes, delete {contactLabel(c())}
                    </button>
                    <button type="button" onClick={() => setConfirming(false)}>
                      Keep
                    </button>
                  </div>
                </Show>
                <ErrorLine message={removal.error()} />
              </section>
            </Show>
          </>
        )}
      </Show>
    </main>
  );
}
