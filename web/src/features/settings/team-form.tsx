import { createSignal, For, Show } from 'solid-js';
import type { Team } from '../inbox/inbox.api';
import type { ChannelInfo, TeamInput, TeamMember } from './settings.api';
import { parseMinutes, splitList } from './settings.models';

export interface TeamValues extends TeamInput {
  memberIds: string[];
}

/** Name, routing (keywords, WhatsApp numbers), SLA targets and members of a team (to create one or edit it). */
export function TeamForm(props: { team?: Team; users: TeamMember[]; channels: ChannelInfo[]; submitLabel: string; onSubmit: (v: TeamValues) => Promise<boolean>; onCancel?: () => void }) {
  const init = () => ({
    name: props.team?.name ?? '',
    keywords: props.team?.keywords.join(', ') ?? '',
    first: props.team?.sla.firstResponseMinutes?.toString() ?? '',
    resolution: props.team?.sla.resolutionMinutes?.toString() ?? '',
    members: new Set(props.team?.memberIds ?? []),
    channels: new Set(props.team?.channelIds ?? []),
  });
  const [v, setV] = createSignal(init());
  const toggle = (key: 'members' | 'channels', id: string, on: boolean) => {
    const set = new Set(v()[key]);
    if (on) set.add(id);
    else set.delete(id);
    setV({ ...v(), [key]: set });
  };
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const x = v();
    const ok = await props.onSubmit({ name: x.name.trim(), keywords: splitList(x.keywords), channelIds: [...x.channels], firstResponseMinutes: parseMinutes(x.first), resolutionMinutes: parseMinutes(x.resolution), memberIds: [...x.members] });
    if (ok && !props.team) setV(init());
  };
  return (
    <form class="team-form" aria-label={props.team ? `Edit team ${props.team.name}` : 'New team'} onSubmit={submit}>
      <div class="grid-form">
        <label>
          Team name
          <input required maxLength={80} value={v().name} onInput={(e) => setV({ ...v(), name: e.currentTarget.value })} />
        </label>
        <label>
          Keywords
          <input placeholder="refund, order, delivery" value={v().keywords} onInput={(e) => setV({ ...v(), keywords: e.currentTarget.value })} />
        </label>
        <label>
          First reply within (minutes)
          <input type="number" inputmode="numeric" min="1" placeholder="No target" value={v().first} onInput={(e) => setV({ ...v(), first: e.currentTarget.value })} />
        </label>
        <label>
          Resolve within (minutes)
          <input type="number" inputmode="numeric" min="1" placeholder="No target" value={v().resolution} onInput={(e) => setV({ ...v(), resolution: e.currentTarget.value })} />
        </label>
      </div>
      <fieldset class="checks">
        <legend>Members</legend>
        <For each={props.users.filter((u) => !u.disabled)}>
          {(u) => (
            <label class="check">
              <input type="checkbox" checked={v().members.has(u.id)} onChange={(e) => toggle('members', u.id, e.currentTarget.checked)} />
              <span>{u.name}</span>
            </label>
          )}
        </For>
      </fieldset>
      <Show when={props.channels.length > 1}>
        <fieldset class="checks">
          <legend>New conversations on these numbers (when no keyword matches)</legend>
          <For each={props.channels}>
            {(ch) => (
              <label class="check">
                <input type="checkbox" checked={v().channels.has(ch.id)} onChange={(e) => toggle('channels', ch.id, e.currentTarget.checked)} />
                <span>
                  {ch.name} {ch.displayPhoneNumber ?? ch.phoneNumberId}
                </span>
              </label>
            )}
          </For>
        </fieldset>
      </Show>
      <div class="form-buttons">
        <button type="submit" class="primary">
          {props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" onClick={() => props.onCancel?.()}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
