import { createEffect, createMemo, createResource, createSignal, For, on, Show } from 'solid-js';
import { createAction } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { fetchPipelines } from '../deals/deals.api';
import { fetchTeams } from '../inbox/inbox.api';
import { fetchRules } from '../rules/rules.api';
import { fetchAudit, type AuditEntry, type AuditFilter, type TeamMember } from './settings.api';
import { actionLabel, auditChanges, auditNames, auditValue } from './settings.models';

const ENTITY_TYPES = ['api_token', 'channel', 'contact', 'conversation', 'custom_field', 'deal', 'invitation', 'pipeline', 'rule', 'settings', 'task', 'team', 'user'];

/** Who changed what and when, newest first; filter by kind of record and by person, page with "Load more". */
export function AuditLog(props: { users: TeamMember[] }) {
  const [filter, setFilter] = createSignal<AuditFilter>({});
  const [entries, setEntries] = createSignal<AuditEntry[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  const { error, run } = createAction();
  // Names for the ids entries store. Each list may fail on its own (then its ids show as they are): the log
  // must render regardless, so a failure is an empty list rather than an error. Refresh reloads them too
  // (a team made on this page since).
  const settle = <T,>(p: Promise<T[]>) => p.catch((): T[] => []);
  const [lists, { refetch: refetchNames }] = createResource(async () => {
    const [teams, pipelines, rules] = await Promise.all([settle(fetchTeams()), settle(fetchPipelines()), settle(fetchRules())]);
    return { teams, pipelines, rules };
  });
  const names = createMemo(() => auditNames({ users: props.users, ...(lists.state === 'ready' || lists.state === 'refreshing' ? lists.latest : {}) }));
  const who = (a: AuditEntry['actor']) => {
    if (a.kind === 'system' || !a.id) return 'System';
    if (a.kind === 'automation') return names().has(a.id) ? `Automation: ${names().get(a.id)}` : 'Automation rule'; // its id is a rule's
    const name = names().get(a.id) ?? a.id;
    return a.kind === 'token' ? `${name} (API token)` : name;
  };
  const changes = (e: AuditEntry) => auditChanges(e.before, e.after, (v, k) => auditValue(v, k, names()));
  /** Loads the first page for the filter, or the next one. */
  const load = async (more: boolean) => {
    const f = filter();
    setLoading(true);
    await run(async () => {
      const page = await fetchAudit(f, more ? (cursor() ?? undefined) : undefined);
      if (f !== filter()) return; // the filter changed meanwhile; its own load wins
      setEntries((e) => (more ? [...e, ...page.data] : page.data));
      setCursor(page.nextCursor);
    });
    setLoading(false);
  };
  createEffect(on(filter, () => void load(false)));

  return (
    <section class="card" id="audit" aria-labelledby="audit-title">
      <div class="section-head">
        <h2 id="audit-title">Audit log</h2>
        <button type="button" onClick={() => void (refetchNames(), load(false))} disabled={loading()}>
          Refresh
        </button>
      </div>
      <div class="grid-form" role="group" aria-label="Audit filters">
        <select aria-label="Record type" value={filter().entityType ?? ''} onChange={(e) => setFilter({ ...filter(), entityType: e.currentTarget.value || undefined })}>
          <option value="">All records</option>
          <For each={ENTITY_TYPES}>{(t) => <option value={t}>{actionLabel(t)}</option>}</For>
        </select>
        <select aria-label="Changed by" value={filter().actorId ?? ''} onChange={(e) => setFilter({ ...filter(), actorId: e.currentTarget.value || undefined })}>
          <option value="">Anyone</option>
          <For each={props.users}>{(u) => <option value={u.id}>{u.name}</option>}</For>
        </select>
      </div>
      <ol class="audit-list" aria-label="Audit entries" aria-busy={loading()}>
        <For each={entries()} fallback={<li class="muted">{loading() ? 'Loading…' : 'Nothing recorded.'}</li>}>
          {(e) => (
            <li class="audit-entry" data-testid="audit-entry">
              <div class="audit-line">
                <span>
                  <strong>{who(e.actor)}</strong> · {actionLabel(e.action)}
                  <Show when={e.entityId}>
                    {' '}
                    <Show when={names().get(e.entityId!)} fallback={<code class="small muted">{e.entityId}</code>}>
                      {(name) => <span title={e.entityId!}>{name()}</span>}
                    </Show>
                  </Show>
                </span>
                <time class="small muted" datetime={e.at}>
                  {new Date(e.at).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })}
                </time>
              </div>
              <Show when={changes(e).length}>
                <ul class="changes small">
                  <For each={changes(e).slice(0, 8)}>
                    {(c) => (
                      <li>
                        <Show when={c.key}>
                          <span class="muted">{c.key}: </span>
                        </Show>
                        <Show when={c.before !== undefined}>
                          <del>{c.before}</del>
                        </Show>
                        <Show when={c.before !== undefined && c.after !== undefined}> → </Show>
                        <Show when={c.after !== undefined}>
                          <ins>{c.after}</ins>
                        </Show>
                      </li>
                    )}
                  </For>
                  <Show when={changes(e).length > 8}>
                    <li class="muted">+{changes(e).length - 8} more</li>
                  </Show>
                </ul>
              </Show>
            </li>
          )}
        </For>
      </ol>
      <Show when={cursor()}>
        <button type="button" class="load-more" disabled={loading()} onClick={() => void load(true)}>
          Load more
        </button>
      </Show>
      <ErrorLine message={error()} />
    </section>
  );
}
