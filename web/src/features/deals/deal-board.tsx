import { For, Show } from 'solid-js';
import { createBoardDrag } from './board-drag';
import { DealCard } from './deal-card';
import type { Deal, Pipeline } from './deals.api';
import { formatTotals, type Columns } from './deals.models';

/**
 * The kanban board: one column per stage (count and totals on top), cards inside. Side by side on wide
 * screens; on phones one column per screen width, snapping as the board scrolls sideways.
 */
export function DealBoard(props: {
  pipeline: Pipeline;
  columns: Columns;
  contactNames: Map<string, string>;
  ownerNames: Map<string, string>;
  now: number;
  hrefFor: (deal: Deal) => string;
  onMove: (dealId: string, stageId: string) => void;
  onLoadMore: (stageId: string) => void;
}) {
  let board: HTMLDivElement | undefined;
  const dnd = createBoardDrag({ board: () => board, onDrop: (dealId, stageId) => props.onMove(dealId, stageId) });
  const count = (stageId: string, fallback: number) => props.columns[stageId]?.count ?? fallback;
  const show = (stageId: string) => board?.querySelector(`[data-stage-id="${stageId}"]`)?.scrollIntoView({ behavior: 'smooth', inline: 'start', block: 'nearest' });
  return (
    <>
      {/* Phones show one column at a time: these jump to the others. */}
      <nav class="stage-tabs filters" aria-label="Stages">
        <For each={props.pipeline.stages}>
          {(stage) => (
            <button type="button" onClick={() => show(stage.id)}>
              {stage.name} <span class="muted">{count(stage.id, stage.dealCount)}</span>
            </button>
          )}
        </For>
      </nav>
      <div ref={board} class={`board ${dnd.drag() ? 'dragging' : ''}`} role="group" aria-label={`${props.pipeline.name} board`}>
        <For each={props.pipeline.stages}>
          {(stage) => {
            const col = () => props.columns[stage.id];
            return (
              <section
                class={`board-column outcome-${stage.outcome} ${dnd.drag()?.over === stage.id ? 'drop-target' : ''}`}
                data-stage-id={stage.id}
                data-testid="stage-column"
                aria-labelledby={`stage-${stage.id}`}
              >
                <header class="column-head">
                  <h2 id={`stage-${stage.id}`}>{stage.name}</h2>
                  <span class="column-count" aria-label={`${count(stage.id, stage.dealCount)} deals`}>
                    {count(stage.id, stage.dealCount)}
                  </span>
                  <span class="column-total small muted">{formatTotals(col()?.totals ?? stage.totals)}</span>
                </header>
                <div class="column-cards">
                  <Show when={col()} fallback={<p class="muted small">Loading…</p>}>
                    <For each={col()!.deals} fallback={<p class="muted small column-empty">No deals here.</p>}>
                      {(deal) => (
                        <DealCard
                          deal={deal}
                          href={props.hrefFor(deal)}
                          stages={props.pipeline.stages}
                          contactName={deal.contactId ? (props.contactNames.get(deal.contactId) ?? null) : null}
                          ownerName={deal.ownerId ? (props.ownerNames.get(deal.ownerId) ?? null) : null}
                          now={props.now}
                          dragging={dnd.drag()?.dealId === deal.id}
                          onPress={(e, card, fromHandle) => dnd.press(e, deal.id, card, fromHandle)}
                          onMove={(stageId) => props.onMove(deal.id, stageId)}
                          swallowClick={dnd.swallowClick}
                        />
                      )}
                    </For>
                    <Show when={col()!.cursor}>
                      <button type="button" class="load-more" onClick={() => props.onLoadMore(stage.id)}>
                        Load more
                      </button>
                    </Show>
                  </Show>
                </div>
              </section>
            );
          }}
        </For>
      </div>
    </>
  );
}
