import { A } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import { createAction, errorMessage } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { ToneBadge } from '../../ui/tone-badge';
import { fetchRuns, type Run } from './rules.api';
import { actionLabel, conditionsResult, eventLabel, runStateBadge, stepBadge } from './rules.models';

const time = (iso: string) => new Date(iso).toLocaleString([], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * What the rule did, newest first and paged: when, the event that started it, whether its conditions
 * held, each step's outcome and the error. `tick` reloads the first page (after a save or a toggle).
 */
export function RunLog(props: { ruleId: string; tick: number }) {
  const [page, { refetch }] = createResource(() => props.ruleId, (id) => fetchRuns(id));
  const [more, setMore] = createSignal<Run[]>([]);
  const [cursor, setCursor] = createSignal<string | null | undefined>(undefined);
  const action = createAction();
  const reload = () => (setMore([]), setCursor(undefined), void refetch());
  createEffect(on(() => props.tick, reload, { defer: true }));
  const first = () => (page.state === 'ready' || page.state === 'refreshing' ? page.latest : undefined);
  const rows = () => {
    const seen = new Set<string>();
    return [...(first()?.data ?? []), ...more()].filter((r) => !seen.has(r.id) && !!seen.add(r.id));
  };
  const next = () => (cursor() === undefined ? first()?.nextCursor : cursor());
  const loadMore = () =>
    action.run(async () => {
      const res = await fetchRuns(props.ruleId, next());
      setMore((m) => [...m, ...res.data]);
      setCursor(res.nextCursor);
    });

  return (
    <section class="card" aria-labelledby="runs-title">
      <div class="section-head">
        <h2 id="runs-title">Run log</h2>
        <button type="button" onClick={reload} disabled={page.loading}>
          Refresh
        </button>
      </div>
      <ErrorLine message={page.state === 'errored' ? errorMessage(page.error) : action.error()} />
      <ol class="plain run-list">
        <For each={rows()} fallback={<li class="muted empty">{page.loading ? 'Loading…' : 'No runs yet. They appear here once the trigger fires.'}</li>}>
          {(r) => (
            <li class="run-item" data-testid="run">
              <div class="run-head">
                <span class="run-when">
                  <time datetime={r.createdAt}>{time(r.createdAt)}</time>
                  <span class="muted"> · {eventLabel(r.eventType)}</span>
                </span>
                <span class="badge-row">
                  <ToneBadge tone={conditionsResult(r).tone}>{conditionsResult(r).label}</ToneBadge>
                  <ToneBadge tone={runStateBadge(r.state).tone}>
                    <span data-testid="run-state">{runStateBadge(r.state).label}</span>
                  </ToneBadge>
                </span>
              </div>
              <Show when={r.conversationId || r.contactId}>
                <p class="small run-links">
                  <Show when={r.conversationId}>
                    <A href={`/c/${r.conversationId}`}>Open the conversation</A>
                  </Show>
                  <Show when={r.contactId}>
                    <A href={`/contacts/${r.contactId}`}>Contact</A>
                  </Show>
                </p>
              </Show>
              <Show when={r.steps.length}>
                <ol class="run-steps">
                  <For each={r.steps}>
                    {(s) => (
                      <li class="run-step" title={time(s.at)}>
                        <span class="run-step-name">{actionLabel(s.action)}</span>
                        <ToneBadge tone={stepBadge(s.status).tone}>{stepBadge(s.status).label}</ToneBadge>
                        <Show when={s.detail}>
                          <span class={`small run-step-detail ${s.status === 'failed' ? 'error' : 'muted'}`}>{s.detail}</span>
                        </Show>
                      </li>
                    )}
                  </For>
                </ol>
              </Show>
              <Show when={r.error}>
                <p class="error small">{r.error}</p>
              </Show>
            </li>
          )}
        </For>
      </ol>
      <Show when={next()}>
        <button type="button" class="load-more" onClick={() => void loadMore()}>
          Load older runs
        </button>
      </Show>
    </section>
  );
}
