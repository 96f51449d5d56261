import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import type { Conversation } from './inbox.api';
import { preview, slaBadge, windowLeft } from './inbox.models';

/** One row of the conversation list: who, unread, flag, last message, window left, priority and SLA. */
export function ConversationRow(props: { conversation: Conversation; href: string; active: boolean; now: number }) {
  const c = () => props.conversation;
  const sla = () => slaBadge(c(), props.now);
  return (
    <A href={props.href} class={`conversation-row ${props.active ? 'active' : ''}`} data-testid="conversation">
      <span class="row-top">
        <strong>
          <Show when={c().flagged}>
            <span class="flag" role="img" aria-label="Flagged" title="Flagged">
              ⚑
            </span>{' '}
          </Show>
          {c().contact?.name ?? c().contact?.phone ?? 'Unknown'}
        </strong>
        <Show when={c().unreadCount > 0}>
          <span class="badge" aria-label={`${c().unreadCount} unread`}>
            {c().unreadCount}
          </span>
        </Show>
      </span>
      <span class="row-preview muted">{preview(c().lastMessage)}</span>
      <span class="row-window small muted">
        {windowLeft(c().windowExpiresAt, props.now) ?? 'window closed'}
        <Show when={c().priority === 'urgent' || c().priority === 'high'}> · {c().priority}</Show>
        <Show when={sla()}>
          {(b) => (
            <>
              {' '}
              <span class={`sla-badge ${b().breached ? 'breached' : b().soon ? 'soon' : ''}`} data-testid="sla">
                {b().label}
              </span>
            </>
          )}
        </Show>
      </span>
    </A>
  );
}
