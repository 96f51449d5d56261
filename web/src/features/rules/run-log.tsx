import { A } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import { createAction, errorMessage } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { ToneBadge } from '../../ui/tone-badge';
import { fetchRuns, type Run } from './rules.api';
import { actionLabel, conditionsResult, eventLabel, runStateBadge, stepBadge, stepDetailText, type Names } from './rules.models';

const time = (iso: string) => new Date(iso).toLocaleString([], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A step's chip: a run still waiting on its last step shows that wait as "Waiting", not "Done". */
const stepChip = (r: Run, s: Run['steps'][number], i: number) => (s.action === 'wait' && r.state === 'waiting' && i === r.steps.length - 1 ? runStateBadge('waiting') : stepBadge(s.status));

/**
 * What the rule did, newest first and paged: when, the event that started it, whether its conditions
 * held, each step's outcome and the error. `tick` reloads the first page (after a save or a toggle).
 * `names` turns the ids in step details into names.
 */
export function RunLog(props: { ruleId: string; tick: number; names?: Names }) {
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
                  <Show when={r.eventCount > 1}>
                    <span class="muted" data-testid="run-count">
                      {' '}
                      ×{'\u00a0'}{r.eventCount}, the last at <time datetime={r.updatedAt}>{time(r.updatedAt)}</time>
                    </span>
                  </Show>
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
                    {(s, i) => (
                      <li class="run-step" title={`${time(s.at)}${s.detail ? ` · ${s.detail}` : ''}`}>
                        <span class="run-step-name">{actionLabel(s.action)}</span>
                        <ToneBadge tone={stepChip(r, s, i()).tone}>{stepChip(r, s, i()).label}</ToneBadge>
                        <Show when={stepDetailText(s.detail, props.names ?? {})}>
                          {(text) => <span class={`small run-step-detail ${s.status === 'failed' ? 'error' : 'muted'}`}>{text()}</span>}
                        </Show>
                      </li>
                    )}
                  </For>
                </ol>
              </Show>
              {/* Why it stopped: in red when it failed; a skip's reason in grey, unless the badge already says it. */}
              <Show when={r.error && !(r.state === 'skipped' && r.conditionsMatched === false)}>
                <p class={`small ${r.state === 'failed' ? 'error' : 'muted'}`}>{r.error}</p>
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
