import { useLocation, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { batch, createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { createLiveTick } from '../../lib/live';
import { errorMessage } from '../../ui/action';
import { AppShell } from '../../ui/app-shell';
import { Drawer } from '../../ui/drawer';
import { ErrorLine } from '../../ui/error-line';
import type { Me } from '../auth/auth.api';
import { fetchTeam } from '../inbox/inbox.api';
import { DealBoard } from './deal-board';
import { DealDrawer } from './deal-drawer';
import { fetchContactNames, fetchDeals, fetchPipelines, updateDeal, type Deal, type Pipeline } from './deals.api';
import { keepUnchanged, moveDeal, stageOfDeal, type Columns } from './deals.models';
import { NewDealForm } from './new-deal-form';
import '../../ui/crm.css';

const PAGE = 50;

/** Deals: the kanban board of one pipeline, a new-deal form, and a deal's details over the board (`/deals/:id`). */
export function DealsPage() {
  return <AppShell fill>{(me) => <DealsBody me={me} />}</AppShell>;
}

function DealsBody(props: { me: Me }) {
  const params = useParams<{ id?: string }>();
  const [search, setSearch] = useSearchParams<{ pipeline?: string }>();
  const location = useLocation();
  const navigate = useNavigate();
  const tick = createLiveTick();
  const [team] = createResource(() => fetchTeam().catch(() => []));
  const [pipelines, setPipelines] = createSignal<Pipeline[] | null>(null);
  const [columns, setColumns] = createSignal<Columns>({});
  const [names, setNames] = createSignal(new Map<string, string>());
  const [loadError, setLoadError] = createSignal<string | null>(null);
  const [moveError, setMoveError] = createSignal<string | null>(null);
  const [status, setStatus] = createSignal('');
  const [creating, setCreating] = createSignal(false);
  const [now, setNow] = createSignal(Date.now());
  const clock = setInterval(() => setNow(Date.now()), 60_000);
  onCleanup(() => clearInterval(clock));
  /** Moves sent but not answered yet: a refresh meanwhile must not put the card back. */
  const pending = new Map<string, string>();
  let version = 0;

  const pipeline = () => pipelines()?.find((p) => p.id === search.pipeline) ?? pipelines()?.[0];
  const ownerNames = () => new Map((team() ?? []).map((u) => [u.id, u.name]));
  const stageById = (p: Pipeline | undefined, id: string) => p?.stages.find((s) => s.id === id);

  /** Loads the pipelines and the first page of every column of the chosen one. */
  const load = async () => {
    const v = ++version;
    try {
      const ps = await fetchPipelines();
      const p = ps.find((x) => x.id === search.pipeline) ?? ps[0];
      const pages = p ? await Promise.all(p.stages.map((s) => fetchDeals({ stageId: s.id, limit: PAGE }))) : [];
      if (v !== version) return;
      let cols: Columns = Object.fromEntries((p?.stages ?? []).map((s, i) => [s.id, { deals: pages[i]!.data, cursor: pages[i]!.nextCursor, count: s.dealCount, totals: s.totals }]));
      for (const [dealId, to] of pending) cols = moveDeal(cols, dealId, to, stageById(p, to)) ?? cols;
      batch(() => {
        setPipelines(ps);
        setColumns((prev) => keepUnchanged(prev, cols));
        setLoadError(null);
      });
      void loadNames();
    } catch (err) {
      if (v === version) setLoadError(errorMessage(err));
    }
  };
  // Deals carry their contact's name; only a deal without one (an older server) is looked up.
  const loadNames = async () => {
    const deals = Object.values(columns()).flatMap((c) => c.deals);
    const embedded = deals.flatMap((d) => (d.contact ? [[d.contact.id, d.contact.name ?? d.contact.phone ?? ''] as const] : []));
    setNames((prev) => new Map([...prev, ...embedded]));
    const missing = deals.filter((d) => d.contactId && d.contact === undefined).map((d) => d.contactId!);
    if (missing.length) {
      const found = await fetchContactNames(missing);
      setNames((prev) => new Map([...prev, ...found]));
    }
  };
  const loadMore = async (stageId: string) => {
    const col = columns()[stageId];
    if (!col?.cursor) return;
    try {
      const more = await fetchDeals({ stageId, cursor: col.cursor, limit: PAGE });
      setColumns((c) => {
        const now = c[stageId]!;
        const seen = new Set(now.deals.map((d) => d.id));
        return { ...c, [stageId]: { ...now, deals: [...now.deals, ...more.data.filter((d) => !seen.has(d.id))], cursor: more.nextCursor } };
      });
      void loadNames();
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  };

  /** Moves at once on screen, then asks the server; a refusal puts the card back and says why. */
  const move = async (dealId: string, toStageId: string) => {
    const p = pipeline();
    const target = stageById(p, toStageId);
    const from = stageOfDeal(columns(), dealId);
    const deal = from ? columns()[from]!.deals.find((d) => d.id === dealId) : undefined;
    const next = target && deal ? moveDeal(columns(), dealId, toStageId, target) : null;
    if (!next || !from || !deal || !target) return;
    setColumns(next);
    setMoveError(null);
    pending.set(dealId, toStageId);
    try {
      await updateDeal(dealId, { stageId: toStageId });
      setStatus(`Moved “${deal.title}” to ${target.name}.`);
    } catch (err) {
      setColumns((c) => moveDeal(c, dealId, from, stageById(p, from)) ?? c);
      setMoveError(`Could not move “${deal.title}” to ${target.name}: ${errorMessage(err)}`);
    } finally {
      pending.delete(dealId);
      void load();
    }
  };

  createEffect(on(() => search.pipeline, () => (setColumns({}), void load())));
  createEffect(on(tick, () => void load(), { defer: true }));

  const hrefFor = (d: Deal) => `/deals/${d.id}${location.search}`;
  const created = (d: Deal) => {
    setCreating(false);
    setStatus(`Created “${d.title}”.`);
    if (d.pipelineId !== pipeline()?.id) setSearch({ pipeline: d.pipelineId });
    else void load();
  };

  return (
    <main class="deals-page" aria-labelledby="deals-title">
      <div class="page-head deals-head">
        <h1 id="deals-title">Deals</h1>
        <div class="deals-tools">
          <label>
            <span class="visually-hidden">Pipeline</span>
            <select onChange={(e) => setSearch({ pipeline: e.currentTarget.value })}>
              <For each={pipelines() ?? []}>
                {(p) => (
                  <option value={p.id} selected={p.id === pipeline()?.id}>
                    {p.name}
                  </option>
                )}
              </For>
            </select>
          </label>
          <button type="button" class="primary" onClick={() => setCreating(true)} disabled={!pipeline()}>
            New deal
          </button>
        </div>
      </div>
      <ErrorLine message={loadError() ?? moveError()} class="board-error" />
      <p role="status" class="visually-hidden">
        {status()}
      </p>
      <Show when={pipeline()} fallback={<p class="muted empty">{loadError() ? '' : 'Loading…'}</p>}>
        {(p) => (
          <DealBoard pipeline={p()} columns={columns()} contactNames={names()} ownerNames={ownerNames()} now={now()} hrefFor={hrefFor} onMove={move} onLoadMore={loadMore} />
        )}
      </Show>
      <Show when={creating() && pipelines()}>
        {(ps) => (
          <Drawer label="New deal" onClose={() => setCreating(false)}>
            <h2>New deal</h2>
            <NewDealForm pipelines={ps()} pipelineId={pipeline()?.id} team={team() ?? []} meId={props.me.id} onCreated={created} onCancel={() => setCreating(false)} />
          </Drawer>
        )}
      </Show>
      <Show when={params.id} keyed>
        {(id) => (
          <DealDrawer
            id={id}
            pipelines={pipelines() ?? []}
            team={team() ?? []}
            tick={tick()}
            onClose={() => navigate(`/deals${location.search}`)}
            onChanged={() => void load()}
          />
        )}
      </Show>
    </main>
  );
}
