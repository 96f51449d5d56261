import { createResource, For, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { fetchTeam, updateConversation, type Conversation } from './inbox.api';

/** Assign, prioritise, snooze, resolve or reopen. Errors show the server's message in place. */
export function ConversationActions(props: { conversation: Conversation & { assigneeId?: string | null; priority?: string }; meId: string; onChange: () => void; onError: (m: string) => void }) {
  const [team] = createResource(fetchTeam);
  const act = async (body: Record<string, unknown>) => {
    try {
      await updateConversation(props.conversation.id, body);
      props.onChange();
    } catch (err) {
      props.onError(err instanceof ApiError ? err.message : 'The change could not be saved.');
    }
  };
  const tomorrow = () => {
    const d = new Date();
    d.setDate(d.getDate() + 1);
    d.setHours(9, 0, 0, 0);
    return d.toISOString();
  };
  return (
    <div class="actions" aria-label="Conversation actions">
      <Show when={props.conversation.assigneeId !== props.meId}>
        <button type="button" onClick={() => act({ assigneeId: props.meId })}>
          Assign to me
        </button>
      </Show>
      <select aria-label="Assignee" value={props.conversation.assigneeId ?? ''} onChange={(e) => act({ assigneeId: e.currentTarget.value || null })}>
        <option value="">Unassigned</option>
        <For each={team.state === 'ready' ? team() : []}>{(u) => <option value={u.id}>{u.name}</option>}</For>
      </select>
      <select aria-label="Priority" value={props.conversation.priority ?? 'normal'} onChange={(e) => act({ priority: e.currentTarget.value })}>
        <option value="low">Low</option>
        <option value="normal">Normal</option>
        <option value="high">High</option>
        <option value="urgent">Urgent</option>
      </select>
      <Show
        when={props.conversation.status !== 'resolved'}
        fallback={
          <button type="button" onClick={() => act({ status: 'open' })}>
            Reopen
          </button>
        }
      >
        <button type="button" onClick={() => act({ status: 'snoozed', snoozedUntil: tomorrow() })}>
          Snooze
        </button>
        <button type="button" onClick={() => act({ status: 'pending' })}>
          Waiting
        </button>
        <button type="button" class="primary" onClick={() => act({ status: 'resolved' })}>
          Resolve
        </button>
      </Show>
    </div>
  );
}
