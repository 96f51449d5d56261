import { createResource, createSignal, For, Show } from 'solid-js';
import { createAction } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { fetchTeams } from '../inbox/inbox.api';
import { formatMinutes } from '../reports/reports.models';
import { createTeam, deleteTeam, fetchChannels, setTeamMembers, updateTeam, type TeamMember } from './settings.api';
import { TeamForm, type TeamValues } from './team-form';

/** Teams: who is in them, which keywords route conversations to them, and their SLA targets. */
export function TeamsSection(props: { users: TeamMember[] }) {
  const { error, run } = createAction();
  const [teams, { refetch }] = createResource(fetchTeams);
  const [channels] = createResource(() => fetchChannels().catch(() => []));
  const [editing, setEditing] = createSignal<string | null>(null);
  const names = () => new Map(props.users.map((u) => [u.id, u.name]));
  const list = () => (teams.state === 'ready' || teams.state === 'refreshing' ? teams.latest : undefined);

  const create = (v: TeamValues) =>
    run(async () => {
      const { memberIds, ...team } = v;
      const created = await createTeam(team);
      if (memberIds.length) await setTeamMembers(created.id, memberIds);
      await refetch();
    });
  const save = (id: string, v: TeamValues) =>
    run(async () => {
      const { memberIds, ...team } = v;
      await updateTeam(id, team);
      await setTeamMembers(id, memberIds);
      setEditing(null);
      await refetch();
    });
  const remove = (id: string) =>
    run(async () => {
      await deleteTeam(id);
      await refetch();
    });

  return (
    <section class="card" id="teams" aria-labelledby="teams-title">
      <h2 id="teams-title">Teams and SLA</h2>
      <p class="muted small">Conversations mentioning a team's keywords go to that team. Its SLA targets override the workspace defaults.</p>
      <ul class="plain team-list">
        <For each={list()} fallback={<li class="muted">{teams.loading ? 'Loading…' : 'No teams yet.'}</li>}>
          {(t) => (
            <li class="team-item" data-testid="team">
              <Show
                when={editing() === t.id}
                fallback={
                  <div class="team-summary">
                    <div>
                      <strong>{t.name}</strong>
                      <span class="small muted">
                        {' '}
                        · first reply {t.sla.firstResponseMinutes ? formatMinutes(t.sla.firstResponseMinutes) : 'no target'} · resolve {t.sla.resolutionMinutes ? formatMinutes(t.sla.resolutionMinutes) : 'no target'}
                      </span>
                      <div class="small muted">
                        {t.memberIds.map((id) => names().get(id) ?? id).join(', ') || 'No members'}
                        <Show when={t.keywords.length}> · keywords: {t.keywords.join(', ')}</Show>
                      </div>
                    </div>
                    <div class="form-buttons">
                      <button type="button" aria-label={`Edit ${t.name}`} onClick={() => setEditing(t.id)}>
                        Edit
                      </button>
                      <button type="button" aria-label={`Delete ${t.name}`} onClick={() => void remove(t.id)}>
                        Delete
                      </button>
                    </div>
                  </div>
                }
              >
                <TeamForm team={t} users={props.users} channels={channels() ?? []} submitLabel="Save team" onSubmit={(v) => save(t.id, v)} onCancel={() => setEditing(null)} />
              </Show>
            </li>
          )}
        </For>
      </ul>
      <h3>New team</h3>
      <TeamForm users={props.users} channels={channels() ?? []} submitLabel="Create team" onSubmit={create} />
      <ErrorLine message={error() ?? (teams.state === 'errored' ? String(teams.error?.message ?? 'Could not load teams.') : null)} />
    </section>
  );
}
