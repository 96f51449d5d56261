import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import type { Deal, Stage } from './deals.api';
import { formatMoney, initials } from './deals.models';

/**
 * One deal on the board: title (opens it), amount, contact, owner, expected close. Mouse drags the whole
 * card, touch drags the ⠿ handle; "Move to" is the same move for keyboards and screen readers.
 */
export function DealCard(props: {
  deal: Deal;
  href: string;
  stages: Stage[];
  contactName: string | null;
  ownerName: string | null;
  now: number;
  dragging: boolean;
  onPress: (e: PointerEvent, card: HTMLElement, fromHandle: boolean) => void;
  onMove: (stageId: string) => void;
  swallowClick: () => boolean;
}) {
  let card!: HTMLElement;
  const d = () => props.deal;
  const overdue = () => !!d().expectedCloseAt && !d().closedAt && Date.parse(d().expectedCloseAt!) < props.now;
  return (
    <article
      ref={card}
      class={`deal-card ${props.dragging ? 'is-dragging' : ''}`}
      data-testid="deal-card"
      data-deal-id={d().id}
      aria-label={d().title}
      onPointerDown={(e) => props.onPress(e, card, false)}
    >
      <div class="deal-card-top">
        <A
          href={props.href}
          class="deal-title"
          draggable={false}
          onClick={(e) => {
            if (props.swallowClick()) e.preventDefault();
          }}
        >
          {d().title}
        </A>
        <span
          class="drag-handle"
          aria-hidden="true"
          title="Drag to another stage"
          onPointerDown={(e) => {
            e.stopPropagation();
            props.onPress(e, card, true);
          }}
        >
          ⠿
        </span>
      </div>
      <Show when={d().amount}>
        <div class="deal-amount">{formatMoney(d().amount, d().currency)}</div>
      </Show>
      <div class="deal-meta small muted">
        <Show when={props.contactName}>
          <span>{props.contactName}</span>
        </Show>
        <Show when={props.ownerName}>
          <span class="owner-badge" title={`Owner: ${props.ownerName}`} aria-label={`Owner: ${props.ownerName}`}>
            {initials(props.ownerName!)}
          </span>
        </Show>
        <Show when={d().expectedCloseAt}>
          <span class={overdue() ? 'error' : ''}>Close {new Date(d().expectedCloseAt!).toLocaleDateString([], { day: 'numeric', month: 'short' })}</span>
        </Show>
      </div>
      <label class="move-to small">
        <span class="visually-hidden">Move {d().title} to</span>
        <select onChange={(e) => props.onMove(e.currentTarget.value)}>
          <For each={props.stages}>{(s) => <option value={s.id} selected={s.id === d().stageId}>{s.id === d().stageId ? `In ${s.name}` : `Move to ${s.name}`}</option>}</For>
        </select>
      </label>
    </article>
  );
}
