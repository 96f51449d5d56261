import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import type { SearchResult } from './inbox.api';

/** A search snippet with its matches marked (the server wraps them in \u0001…\u0002; no HTML involved). */
function Highlighted(props: { text: string }) {
  return (
    <For each={props.text.split(/(\u0001[^\u0002]*\u0002)/)}>
      {(part) => (part.startsWith('\u0001') ? <mark>{part.slice(1, -1)}</mark> : <>{part}</>)}
    </For>
  );
}

/** Contacts, messages (under the customer's name) and notes matching the search box. */
export function SearchResults(props: { results: SearchResult | undefined; onContact: (contactId: string) => void }) {
  return (
    <div class="search-results" aria-label="Search results">
      <For each={props.results?.contacts}>
        {(c) => (
          <button type="button" class="conversation-row" onClick={() => props.onContact(c.id)} data-testid="search-contact">
            <strong>{c.name ?? c.phone}</strong>
            <span class="muted small">{c.phone}</span>
          </button>
        )}
      </For>
      <For each={props.results?.messages}>
        {(m) => (
          <A href={`/c/${m.conversationId}`} class="conversation-row" data-testid="search-message">
            <span class="row-top">
              <strong>{m.contactName ?? 'Unknown'}</strong>
              <span class="muted small">{new Date(m.timestamp).toLocaleDateString()}</span>
            </span>
            <span class="row-preview">
              <Highlighted text={m.snippet} />
            </span>
          </A>
        )}
      </For>
      <For each={props.results?.notes}>
        {(n) => (
          <A href={`/c/${n.conversationId}`} class="conversation-row" data-testid="search-note">
            <span class="row-preview">
              📝 <Highlighted text={n.snippet} />
            </span>
          </A>
        )}
      </For>
      <Show when={!props.results?.contacts.length && !props.results?.messages.length && !props.results?.notes.length}>
        <p class="muted empty">Nothing found.</p>
      </Show>
    </div>
  );
}
