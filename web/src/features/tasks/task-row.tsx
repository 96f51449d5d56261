import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import type { Task } from './tasks.api';
import { dueLabel, fromLocalInput, toLocalInput } from './tasks.models';

/** One task: done checkbox, title, when and who, a reschedule form, delete, and its conversation. */
export function TaskRow(props: {
  task: Task;
  assignee: string | null;
  now: number;
  onUpdate: (body: { done?: boolean; dueAt?: string | null }) => Promise<void>;
  onDelete: () => Promise<void>;
}) {
  const [editing, setEditing] = createSignal(false);
  const [due, setDue] = createSignal('');
  const label = () => dueLabel(props.task.dueAt, props.now);
  const startEdit = () => (setDue(toLocalInput(props.task.dueAt)), setEditing(true));
  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    await props.onUpdate({ dueAt: fromLocalInput(due()) });
    setEditing(false);
  };
  return (
    <li class={`task-row ${props.task.done ? 'done' : ''}`} data-testid="task">
      <input type="checkbox" class="task-check" checked={props.task.done} aria-label={`Done: ${props.task.title}`} onChange={(e) => void props.onUpdate({ done: e.currentTarget.checked })} />
      <div class="task-main">
        <span class="task-title">{props.task.title}</span>
        <span class="small muted">
          <span class={!props.task.done && label().overdue ? 'error' : ''}>{props.task.done ? `Done ${props.task.doneAt ? new Date(props.task.doneAt).toLocaleString() : ''}` : label().text}</span>
          <Show when={props.assignee}> · {props.assignee}</Show>
          <Show when={props.task.conversationId}>
            {' '}
            · <A href={`/c/${props.task.conversationId}`}>Open conversation</A>
          </Show>
        </span>
        <Show when={editing()}>
          <form class="task-edit" onSubmit={save}>
            <input type="datetime-local" aria-label={`New due time for ${props.task.title}`} value={due()} onInput={(e) => setDue(e.currentTarget.value)} />
            <button type="submit" class="primary">
              Save
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        </Show>
      </div>
      <div class="task-buttons">
        <Show when={!props.task.done && !editing()}>
          <button type="button" aria-label={`Reschedule ${props.task.title}`} onClick={startEdit}>
            Reschedule
          </button>
        </Show>
        <button type="button" aria-label={`Delete ${props.task.title}`} onClick={() => void props.onDelete()}>
          Delete
        </button>
      </div>
    </li>
  );
}
