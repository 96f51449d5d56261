import { A } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { createLiveTick } from '../../lib/live';
import { AppShell } from '../../ui/app-shell';
import { ErrorLine } from '../../ui/error-line';
import type { Me } from '../auth/auth.api';
import { MANAGER_VIEWS } from '../inbox/inbox.api';
import { fetchManagerSummary } from './manager.api';
import { OwnersTable } from './owners-table';

const WAITING_CHOICES = [0, 5, 15, 30, 60, 120, 240];

/** The manager's overview: open work by view, follow-ups due, and who owns what — live. */
export function ManagerPage() {
  return <AppShell>{(me) => <ManagerBody me={me} />}</AppShell>;
}

function ManagerBody(props: { me: Me }) {
  const tick = createLiveTick();
  const [minutes, setMinutes] = createSignal(15);
  const [summary, { refetch }] = createResource(minutes, fetchManagerSummary);
  const [error, setError] = createSignal<string | null>(null);
  // Views also move with the clock alone (waiting longer than N, SLA due times): refresh every minute too.
  const timer = setInterval(() => void refetch(), 60_000);
  onCleanup(() => clearInterval(timer));
  createEffect(on(tick, () => void refetch(), { defer: true }));
  const data = () => (summary.state === 'ready' || summary.state === 'refreshing' ? summary.latest : undefined);
  const label = (id: string, text: string) => (id === 'waiting_first_response' && minutes() > 0 ? `${text} (over ${minutes()} min)` : text);

  return (
    <main class="page" aria-labelledby="manager-title">
      <div class="page-head">
        <h1 id="manager-title">Manager</h1>
        <label class="inline-field">
          Waiting longer than
          <select value={minutes()} onChange={(e) => setMinutes(Number(e.currentTarget.value))}>
            <For each={WAITING_CHOICES}>{(m) => <option value={m}>{m === 0 ? 'any time' : m < 60 ? `${m} minutes` : `${m / 60} hour${m > 60 ? 's' : ''}`}</option>}</For>
          </select>
        </label>
      </div>
      <ErrorLine message={error() ?? (summary.state === 'errored' ? (summary.error instanceof ApiError ? summary.error.message : 'Could not load the summary.') : null)} class="page-error" />
      <section aria-label="Open work" aria-busy={summary.loading}>
        <ul class="stat-grid">
          <For each={MANAGER_VIEWS}>
            {(v) => {
              const n = () => data()?.views[v.id];
              return (
                <li>
                  <A
                    href={`/?view=${v.id}&minutes=${minutes()}`}
                    class={`stat-card ${(v.id === 'sla_breached' || v.id === 'escalated') && (n() ?? 0) > 0 ? 'alert' : ''}`}
                    aria-label={`${label(v.id, v.label)}: ${n() ?? '…'}`}
                    data-testid={`view-${v.id}`}
                  >
                    <span class="stat-value">{n() ?? '…'}</span>
                    <span class="stat-label">{label(v.id, v.label)}</span>
                  </A>
                </li>
              );
            }}
          </For>
        </ul>
      </section>
      <section class="card" aria-labelledby="followups-title">
        <h2 id="followups-title">Follow-ups</h2>
        <ul class="stat-grid compact">
          <li>
            <A href="/tasks?tab=today" class="stat-card" aria-label={`Tasks due today: ${data()?.tasks.dueToday ?? '…'}`}>
              <span class="stat-value">{data()?.tasks.dueToday ?? '…'}</span>
              <span class="stat-label">Due today</span>
            </A>
          </li>
          <li>
            <A href="/tasks?tab=overdue" class={`stat-card ${(data()?.tasks.overdue ?? 0) > 0 ? 'alert' : ''}`} aria-label={`Tasks overdue: ${data()?.tasks.overdue ?? '…'}`}>
              <span class="stat-value">{data()?.tasks.overdue ?? '…'}</span>
              <span class="stat-label">Overdue</span>
            </A>
          </li>
        </ul>
      </section>
      <section class="card" aria-labelledby="owners-title">
        <h2 id="owners-title">Who owns what</h2>
        <Show when={data()} fallback={<p class="muted">Loading…</p>}>
          {(d) => <OwnersTable agents={d().agents} meId={props.me.id} onChange={() => void refetch()} onError={setError} />}
        </Show>
      </section>
    </main>
  );
}
