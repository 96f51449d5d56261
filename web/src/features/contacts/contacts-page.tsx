import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { createAction, errorMessage } from '../../ui/action';
import { AppShell, isStaff } from '../../ui/app-shell';
import { ErrorLine } from '../../ui/error-line';
import type { Me } from '../auth/auth.api';
import { fetchTeam } from '../inbox/inbox.api';
import { contactLabel, createContact, exportHref, fetchContacts, type ContactFilter, type ContactRecord } from './contacts.api';
import '../../ui/crm.css';

/** Contacts: search, filter by tag and owner, page through; add one; import and export (owners and admins). */
export function ContactsPage() {
  return <AppShell>{(me) => <ContactsBody me={me} />}</AppShell>;
}

function ContactsBody(props: { me: Me }) {
  const [params, setParams] = useSearchParams<{ q?: string; tag?: string; owner?: string }>();
  const navigate = useNavigate();
  const [text, setText] = createSignal(params.q ?? '');
  const filter = (): ContactFilter => ({ q: params.q, tag: params.tag, ownerId: params.owner === 'me' ? props.me.id : params.owner });
  const [first] = createResource(() => JSON.stringify(filter()), () => fetchContacts(filter()));
  const [more, setMore] = createSignal<ContactRecord[]>([]);
  const [cursor, setCursor] = createSignal<string | null | undefined>(undefined);
  const [team] = createResource(() => fetchTeam().catch(() => []));
  const [adding, setAdding] = createSignal(false);
  const [draft, setDraft] = createSignal({ name: '', phone: '' });
  const action = createAction();
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  createEffect(on(() => JSON.stringify(filter()), () => (setMore([]), setCursor(undefined)), { defer: true }));

  const owners = () => new Map((team() ?? []).map((u) => [u.id, u.name]));
  const page = () => (first.state === 'ready' || first.state === 'refreshing' ? first.latest : undefined);
  const list = () => [...(page()?.data ?? []), ...more()];
  const next = () => (cursor() === undefined ? page()?.nextCursor : cursor());
  const loadMore = async () => {
    const c = next();
    if (!c) return;
    await action.run(async () => {
      const res = await fetchContacts(filter(), c);
      setMore((m) => [...m, ...res.data]);
      setCursor(res.nextCursor);
    });
  };
  const type = (value: string) => {
    setText(value);
    clearTimeout(timer);
    timer = setTimeout(() => setParams({ q: value.trim() || undefined }, { replace: true }), 300);
  };
  const add = async (e: SubmitEvent) => {
    e.preventDefault();
    let id = '';
    const ok = await action.run(async () => (id = (await createContact({ name: draft().name.trim(), phone: draft().phone.trim() || null })).id));
    if (ok) navigate(`/contacts/${id}`);
  };

  return (
    <main class="page contacts-page" aria-labelledby="contacts-title">
      <div class="page-head">
        <h1 id="contacts-title">Contacts</h1>
        <div class="form-buttons">
          <button type="button" onClick={() => setAdding(!adding())} aria-expanded={adding()}>
            New contact
          </button>
          <Show when={isStaff(props.me)}>
            <A class="button" href="/contacts/import">
              Import
            </A>
            <a class="button" href={exportHref(filter())} download="">
              Export CSV
            </a>
          </Show>
        </div>
      </div>
      <Show when={adding()}>
        <form class="card grid-form" aria-label="New contact" onSubmit={add}>
          <input aria-label="Name" placeholder="Name" required maxLength={200} value={draft().name} onInput={(e) => setDraft({ ...draft(), name: e.currentTarget.value })} />
          <input aria-label="Phone" placeholder="+351 912 345 678" type="tel" value={draft().phone} onInput={(e) => setDraft({ ...draft(), phone: e.currentTarget.value })} />
          <button type="submit" class="primary">
            Add contact
          </button>
        </form>
      </Show>
      <div class="contact-filters">
        <input type="search" class="search" aria-label="Search contacts" placeholder="Search name, phone, email, company" value={text()} onInput={(e) => type(e.currentTarget.value)} />
        <label>
          <span class="visually-hidden">Owner</span>
          <select onChange={(e) => setParams({ owner: e.currentTarget.value || undefined })}>
            <option value="" selected={!params.owner}>
              Any owner
            </option>
            <option value="me" selected={params.owner === 'me'}>
              Mine
            </option>
            <For each={(team() ?? []).filter((u) => u.id !== props.me.id)}>
              {(u) => (
                <option value={u.id} selected={params.owner === u.id}>
                  {u.name}
                </option>
              )}
            </For>
          </select>
        </label>
        <Show when={params.tag}>
          <button type="button" class="chip-button" aria-label={`Tag ${params.tag}: show all tags again`} onClick={() => setParams({ tag: undefined })}>
            #{params.tag} ✕
          </button>
        </Show>
      </div>
      <ErrorLine message={action.error() ?? (first.state === 'errored' ? errorMessage(first.error) : null)} />
      <section class="card contact-list-card" aria-label="Contact list">
        <Show when={list().length} fallback={<p class="muted empty">{page() ? 'No contacts match.' : 'Loading…'}</p>}>
          <div class="contact-list-head small muted" aria-hidden="true">
            <span>Name</span>
            <span>Phone</span>
            <span>Company</span>
            <span>Tags</span>
            <span>Owner</span>
          </div>
          <ul class="contact-list">
            <For each={list()}>
              {(c) => (
                <li class="contact-item" data-testid="contact-row">
                  <A href={`/contacts/${c.id}`} class="contact-name">
                    {contactLabel(c)}
                  </A>
                  {/* No phone: a WhatsApp number that is not a valid phone number still reaches them. */}
                  <span class="contact-phone">{c.phone ?? (c.waId ? `+${c.waId}` : '')}</span>
                  <span class="contact-company muted">{c.company ?? ''}</span>
                  <span class="contact-tags">
                    <For each={c.tags}>
                      {(t) => (
                        <button type="button" class="tag tag-filter" aria-label={`Only contacts tagged ${t}`} onClick={() => setParams({ tag: t })}>
                          {t}
                        </button>
                      )}
                    </For>
                  </span>
                  <span class="contact-owner small muted">{c.ownerId ? (owners().get(c.ownerId) ?? '') : ''}</span>
                </li>
              )}
            </For>
          </ul>
          <Show when={next()}>
            <button type="button" class="load-more" onClick={loadMore}>
              Load more
            </button>
          </Show>
        </Show>
      </section>
    </main>
  );
}
