import { useSearchParams } from '@solidjs/router';
import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { AppShell } from '../../ui/app-shell';
import { ErrorLine } from '../../ui/error-line';
import type { Me } from '../auth/auth.api';
import { fetchTeam } from '../inbox/inbox.api';
import { TaskRow } from './task-row';
import { createTask, deleteTask, fetchTasks, isTaskTab, TASK_TABS, updateTask, type TaskTab } from './tasks.api';
import { fromLocalInput } from './tasks.models';

const message = (err: unknown) => (err instanceof ApiError ? err.message : 'Something went wrong.');

/** Follow-ups: mine, due today, overdue, all open, done; add one, tick it off, reschedule, delete. */
export function TasksPage() {
  return <AppShell>{(me) => <TasksBody me={me} />}</AppShell>;
}

function TasksBody(props: { me: Me }) {
  const [params, setParams] = useSearchParams<{ tab?: string }>();
  const tab = (): TaskTab => (isTaskTab(params.tab) ? params.tab : 'mine');
  const [tasks, { refetch }] = createResource(tab, fetchTasks);
  const [team] = createResource(() => fetchTeam().catch(() => []));
  const [error, setError] = createSignal<string | null>(null);
  const [draft, setDraft] = createSignal({ title: '', due: '', assigneeId: props.me.id });
  const [now, setNow] = createSignal(Date.now());
  const clock = setInterval(() => setNow(Date.now()), 30_000);
  onCleanup(() => clearInterval(clock));
  const names = () => new Map((team() ?? []).map((u) => [u.id, u.name]));
  const list = () => (tasks.state === 'ready' || tasks.state === 'refreshing' ? tasks.latest : undefined);
  /** Runs a change, then reloads the list; a failure shows the server's message. */
  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      setNow(Date.now());
      await refetch();
    } catch (err) {
      setError(message(err));
    }
  };
  const add = (e: SubmitEvent) => {
    e.preventDefault();
    const d = draft();
    void run(async () => {
      await createTask({ title: d.title, dueAt: fromLocalInput(d.due) ?? undefined, assigneeId: d.assigneeId || undefined });
      setDraft({ title: '', due: '', assigneeId: d.assigneeId });
    });
  };

  return (
    <main class="page" aria-labelledby="tasks-title">
      <div class="page-head">
        <h1 id="tasks-title">Tasks</h1>
      </div>
      <form class="card grid-form task-form" aria-label="New task" onSubmit={add}>
        <label>
          Task title
          <input placeholder="Follow up with…" required maxLength={300} value={draft().title} onInput={(e) => setDraft({ ...draft(), title: e.currentTarget.value })} />
        </label>
        <label>
          Due
          <input type="datetime-local" value={draft().due} onInput={(e) => setDraft({ ...draft(), due: e.currentTarget.value })} />
        </label>
        <label>
          Assignee
          <select value={draft().assigneeId} onChange={(e) => setDraft({ ...draft(), assigneeId: e.currentTarget.value })}>
            <For each={team() ?? [{ id: props.me.id, name: props.me.name, role: props.me.role }]}>{(u) => <option value={u.id}>{u.id === props.me.id ? `${u.name} (me)` : u.name}</option>}</For>
          </select>
        </label>
        <button type="submit" class="primary">
          Add task
        </button>
      </form>
      <nav class="filters page-filters" aria-label="Task lists">
        <For each={TASK_TABS}>
          {(t) => (
            <button type="button" class={tab() === t.id ? 'active' : ''} aria-pressed={tab() === t.id} onClick={() => setParams({ tab: t.id })}>
              {t.label}
            </button>
          )}
        </For>
      </nav>
      <ErrorLine message={error() ?? (tasks.state === 'errored' ? message(tasks.error) : null)} class="page-error" />
      <section class="card" aria-label={`${TASK_TABS.find((t) => t.id === tab())!.label} tasks`}>
        <Show when={list()?.length} fallback={<p class="muted empty">{tasks.loading ? 'Loading…' : 'Nothing here.'}</p>}>
          <ul class="task-list">
            <For each={list()}>
              {(t) => (
                <TaskRow
                  task={t}
                  assignee={t.assigneeId ? (names().get(t.assigneeId) ?? null) : null}
                  now={now()}
                  onUpdate={(body) => run(() => updateTask(t.id, body))}
                  onDelete={() => run(() => deleteTask(t.id))}
                />
              )}
            </For>
          </ul>
        </Show>
      </section>
    </main>
  );
}
