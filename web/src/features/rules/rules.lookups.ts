import { createMemo, createResource } from 'solid-js';
import { fetchCustomFields } from '../../lib/custom-fields';
import { fetchPipelines } from '../deals/deals.api';
import { fetchTeam, fetchTeams } from '../inbox/inbox.api';
import { fetchChannels } from '../settings/settings.api';
import { fetchTemplateList } from '../templates/templates.api';
import type { Names } from './rules.models';

/**
 * What the rule form chooses from and the list names: teams, people, pipelines with their stages,
 * approved templates, WhatsApp numbers and contact custom fields. A list that fails to load is empty
 * (the form still works, ids show as they are).
 */
export function createRuleLookups() {
  const [teams] = createResource(() => fetchTeams().catch(() => []));
  const [users] = createResource(() => fetchTeam().catch(() => []));
  const [pipelines] = createResource(() => fetchPipelines().catch(() => []));
  const [templates] = createResource(() => fetchTemplateList({ status: 'APPROVED' }).catch(() => []));
  const [channels] = createResource(() => fetchChannels().catch(() => []));
  const [fields] = createResource(() => fetchCustomFields('contact').catch(() => []));

  const names = createMemo<Names>(() => {
    const many = (pipelines() ?? []).length > 1;
    return {
      teams: new Map((teams() ?? []).map((t) => [t.id, t.name])),
      users: new Map((users() ?? []).map((u) => [u.id, u.name])),
      pipelines: new Map((pipelines() ?? []).map((p) => [p.id, p.name])),
      stages: new Map((pipelines() ?? []).flatMap((p) => p.stages.map((s) => [s.id, many ? `${p.name} › ${s.name}` : s.name] as const))),
      templates: new Map((templates() ?? []).map((t) => [t.id, `${t.name} (${t.language})`])),
      channels: new Map((channels() ?? []).map((c) => [c.id, c.displayPhoneNumber ?? c.name])),
    };
  });

  return {
    teams: () => teams() ?? [],
    users: () => users() ?? [],
    pipelines: () => pipelines() ?? [],
    templates: () => templates() ?? [],
    channels: () => channels() ?? [],
    fields: () => fields() ?? [],
    names,
    /** Whether teams and people are still loading (examples are filled once they are in). */
    loading: () => teams.loading || users.loading,
  };
}
export type RuleLookups = ReturnType<typeof createRuleLookups>;

/** Every stage for a stage select, named "Pipeline › Stage" when there are several pipelines. */
export const stageItems = (l: RuleLookups) => l.pipelines().flatMap((p) => p.stages.map((s) => ({ id: s.id, name: l.names().stages?.get(s.id) ?? s.name })));
