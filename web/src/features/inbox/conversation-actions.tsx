import { createResource, createSignal, For, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { fetchTeam, fetchTeams, updateConversation, type Conversation } from './inbox.api';

/** Assign, prioritise, flag for the manager, snooze, resolve or reopen. Errors show the server's message in place. */
export function ConversationActions(props: { conversation: Conversation; meId: string; onChange: () => void; onError: (m: string) => void }) {
  const [team] = createResource(fetchTeam);
  const [teams] = createResource(() => fetchTeams().catch(() => []));
  // Below 600px only Assign, Resolve and "More" show; the rest opens under them (CSS keeps desktop unchanged).
  const [more, setMore] = createSignal(false);
  const act = async (body: Record<string, unknown>) => {
    try {
      await updateConversation(props.conversation.id, body);
      props.onChange();
    } catch (err) {
      props.onError(err instanceof ApiError ? err.message : 'The change could not be saved.');
    }
  };
  /** Snooze presets: in an hour, this evening, tomorrow morning, next Monday morning. */
  const snoozeUntil = (choice: string) => {
    const d = new Date();
    if (choice === 'hour') d.setHours(d.getHours() + 1);
    if (choice === 'evening') d.setHours(Math.max(d.getHours() + 1, 18), 0, 0, 0);
    if (choice === 'tomorrow') (d.setDate(d.getDate() + 1), d.setHours(9, 0, 0, 0));
    if (choice === 'week') (d.setDate(d.getDate() + ((8 - d.getDay()) % 7 || 7)), d.setHours(9, 0, 0, 0));
    return d.toISOString();
  };
  return (
    <div class="actions" aria-label="Conversation actions">
      <Show when={props.conversation.assigneeId !== props.meId}>
        <button type="button" onClick={() => act({ assigneeId: props.meId })}>
          Assign to me
        </button>
      </Show>
      <div class="actions-more" classList={{ open: more() }} id="conversation-more-actions">
        {/* `selected` on each option, not `value` on the select: the people load after the select renders,
            and a value set before its option exists is dropped (an assigned chat showed "Unassigned"). */}
        <select aria-label="Assignee" onChange={(e) => act({ assigneeId: e.currentTarget.value || null })}>
          <option value="" selected={!props.conversation.assigneeId}>
            Unassigned
          </option>
          <For each={team.state === 'ready' ? team() : []}>
            {(u) => (
              <option value={u.id} selected={u.id === props.conversation.assigneeId}>
                {u.name}
              </option>
            )}
          </For>
        </select>
        <Show when={(teams() ?? []).length}>
          <select aria-label="Team" onChange={(e) => act({ teamId: e.currentTarget.value || null })}>
            <option value="" selected={!props.conversation.teamId}>
              No team
            </option>
            <For each={teams() ?? []}>
              {(t) => (
                <option value={t.id} selected={t.id === props.conversation.teamId}>
                  {t.name}
                </option>
              )}
            </For>
          </select>
        </Show>
        <select aria-label="Priority" value={props.conversation.priority ?? 'normal'} onChange={(e) => act({ priority: e.currentTarget.value })}>
          <option value="low">Low</option>
          <option value="normal">Normal</option>
          <option value="high">High</option>
          <option value="urgent">Urgent</option>
        </select>
        <button type="button" onClick={() => act({ flagged: !props.conversation.flagged })}>
          {props.conversation.flagged ? 'Unflag' : 'Flag'}
        </button>
        <Show when={props.conversation.status !== 'resolved'}>
          <select
            aria-label="Snooze"
            value=""
            onChange={(e) => {
              const choice = e.currentTarget.value;
              e.currentTarget.value = '';
              if (choice) void act({ status: 'snoozed', snoozedUntil: snoozeUntil(choice) });
            }}
          >
            <option value="">Snooze…</option>
            <option value="hour">1 hour</option>
            <option value="evening">This evening</option>
            <option value="tomorrow">Tomorrow 9:00</option>
            <option value="week">Next Monday 9:00</option>
          </select>
          <button type="button" onClick={() => act({ status: 'pending' })}>
            Waiting
          </button>
        </Show>
      </div>
      <Show
        when={props.conversation.status !== 'resolved'}
        fallback={
          <button type="button" onClick={() => act({ status: 'open' })}>
            Reopen
          </button>
        }
      >
        <button type="button" class="primary" onClick={() => act({ status: 'resolved' })}>
          Resolve
        </button>
      </Show>
      <button type="button" class="more-toggle" aria-expanded={more()} aria-controls="conversation-more-actions" onClick={() => setMore(!more())}>
        {more() ? 'Less' : 'More'}
      </button>
    </div>
  );
}
