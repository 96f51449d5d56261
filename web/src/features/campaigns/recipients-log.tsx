import { A } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import { createAction, errorMessage } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { ToneBadge } from '../../ui/tone-badge';
import { languageName } from '../templates/templates.models';
import { fetchRecipients, type Recipient } from './campaigns.api';
import { lastStep, reasonLabel, recipientBadge, recipientsCsvHref } from './campaigns.models';

const STATUSES = ['pending', 'queued', 'sent', 'delivered', 'read', 'replied', 'failed', 'skipped'];
const time = (iso: string) => new Date(iso).toLocaleString([], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/**
 * Every recipient with their message's status, filtered by status and paged: rows on wide screens,
 * cards on phones. The first page follows the campaign while it sends (unless more pages are open).
 */
export function RecipientsLog(props: { campaignId: string; tick: number; canExport: boolean }) {
  const [status, setStatus] = createSignal('');
  const [page, { refetch }] = createResource(() => [props.campaignId, status()] as const, ([id, s]) => fetchRecipients(id, { status: s || undefined }));
  const [more, setMore] = createSignal<Recipient[]>([]);
  const [cursor, setCursor] = createSignal<string | null | undefined>(undefined);
  const action = createAction();
  createEffect(on(status, () => (setMore([]), setCursor(undefined)), { defer: true }));
  createEffect(on(() => props.tick, () => !more().length && void refetch(), { defer: true }));
  const first = () => (page.state === 'ready' || page.state === 'refreshing' ? page.latest : undefined);
  const rows = () => {
    const seen = new Set<string>();
    return [...(first()?.data ?? []), ...more()].filter((r) => !seen.has(r.contactId) && !!seen.add(r.contactId));
  };
  const next = () => (cursor() === undefined ? first()?.nextCursor : cursor());
  const loadMore = () =>
    action.run(async () => {
      const res = await fetchRecipients(props.campaignId, { status: status() || undefined, cursor: next() });
      setMore((m) => [...m, ...res.data]);
      setCursor(res.nextCursor);
    });

  return (
    <section class="card" aria-labelledby="log-title">
      <div class="section-head">
        <h2 id="log-title">Recipients</h2>
        <Show when={props.canExport}>
          <a class="button" href={recipientsCsvHref(props.campaignId, status() || undefined)} download="">
            Export CSV
          </a>
        </Show>
      </div>
      <nav class="filters" aria-label="Recipient status">
        <button type="button" class={!status() ? 'active' : ''} aria-pressed={!status()} onClick={() => setStatus('')}>
          All
        </button>
        <For each={STATUSES}>
          {(s) => (
            <button type="button" class={status() === s ? 'active' : ''} aria-pressed={status() === s} onClick={() => setStatus(s)}>
              {recipientBadge(s).label}
            </button>
          )}
        </For>
      </nav>
      <ErrorLine message={page.state === 'errored' ? errorMessage(page.error) : action.error()} />
      <ul class="recipient-list">
        <Show when={rows().length}>
          <li class="recipient-head muted small" aria-hidden="true">
            <span>Contact</span>
            <span>Status</span>
            <span>Last update</span>
            <span>Details</span>
          </li>
        </Show>
        <For each={rows()} fallback={<li class="muted empty">{page.loading ? 'Loading…' : 'No recipients here.'}</li>}>
          {(r) => (
            <li class="recipient-item" data-testid="recipient">
              <span class="recipient-who">
                <A href={`/contacts/${r.contactId}`}>{r.name ?? r.phone ?? 'Contact'}</A>
                <Show when={r.name && r.phone}>
                  <span class="muted small"> {r.phone}</span>
                </Show>
              </span>
              <span class="badge-row">
                <ToneBadge tone={recipientBadge(r.status).tone}>{recipientBadge(r.status).label}</ToneBadge>
                <Show when={r.repliedAt}>
                  <ToneBadge tone="ok">Replied</ToneBadge>
                </Show>
                <Show when={r.convertedAt}>
                  <ToneBadge tone="ok">Converted</ToneBadge>
                </Show>
                <Show when={r.optedOutAt}>
                  <ToneBadge tone="bad">Opted out</ToneBadge>
                </Show>
              </span>
              <span class="small muted">{lastStep(r) ? `${lastStep(r)!.label} ${time(lastStep(r)!.at)}` : '—'}</span>
              <span class="small recipient-details">
                <Show when={r.errorTitle || r.reason}>
                  <span class={r.status === 'failed' ? 'error' : ''}>
                    {r.errorCode ? `#${r.errorCode} ` : ''}
                    {r.errorTitle ?? reasonLabel(r.reason)}
                  </span>
                </Show>
                <Show when={r.language}>
                  <span class="muted"> {languageName(r.language!)}</span>
                </Show>
              </span>
            </li>
          )}
        </For>
      </ul>
      <Show when={next()}>
        <button type="button" class="load-more" onClick={() => void loadMore()}>
          Load more
        </button>
      </Show>
    </section>
  );
}
