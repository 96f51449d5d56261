import { For, Index, Match, Show, Switch } from 'solid-js';
import type { ActionType } from './rules.api';
import { PickSelect } from './pick-select';
import { stageItems, type RuleLookups } from './rules.lookups';
import { ACTIONS, actionProblem, CONVERSATION_PRIORITIES, emptyAction, LIMITS, moveItem, type ActionDraft } from './rules.models';

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * "Do": the actions in order, each with its own fields; add, remove, move up and down. Switching a
 * step's type keeps what was typed in the fields the types share (a text, a tag, a team).
 */
export function RuleActions(props: { steps: ActionDraft[]; onChange: (steps: ActionDraft[]) => void; lookups: RuleLookups; showProblems: boolean }) {
  const setStep = (i: number, patch: Partial<ActionDraft>) => props.onChange(props.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const move = (i: number, to: number) => props.onChange(moveItem(props.steps, i, to));

  return (
    <div class="rule-actions">
      <Show when={props.steps.length} fallback={<p class="muted small">No actions yet: add what the rule should do.</p>}>
        <ol class="plain rule-steps">
          <Index each={props.steps}>
            {(step, i) => (
              <li class="rule-step" data-testid="action">
                <div class="rule-step-head">
                  <span class="step-number" aria-hidden="true">
                    {i + 1}
                  </span>
                  <select aria-label={`Step ${i + 1} action`} onChange={(e) => setStep(i, { type: e.currentTarget.value as ActionType })}>
                    <For each={ACTIONS}>
                      {(a) => (
                        <option value={a.type} selected={a.type === step().type}>
                          {a.label}
                        </option>
                      )}
                    </For>
                  </select>
                  <div class="step-buttons">
                    <button type="button" class="icon" aria-label={`Move step ${i + 1} up`} disabled={i === 0} onClick={() => move(i, i - 1)}>
                      ↑
                    </button>
                    <button type="button" class="icon" aria-label={`Move step ${i + 1} down`} disabled={i === props.steps.length - 1} onClick={() => move(i, i + 1)}>
                      ↓
                    </button>
                    <button type="button" class="icon" aria-label={`Remove step ${i + 1}`} onClick={() => props.onChange(props.steps.filter((_, j) => j !== i))}>
                      ✕
                    </button>
                  </div>
                </div>
                <StepFields step={step()} n={i + 1} lookups={props.lookups} onChange={(patch) => setStep(i, patch)} />
                <Show when={props.showProblems && actionProblem(step())}>
                  <p class="error small">{capital(actionProblem(step())!)}.</p>
                </Show>
              </li>
            )}
          </Index>
        </ol>
      </Show>
      <button type="button" class="link add-row" disabled={props.steps.length >= LIMITS.actions} onClick={() => props.onChange([...props.steps, emptyAction('add_tag')])}>
        + Add an action
      </button>
    </div>
  );
}

/** The fields of one step, by its type. */
function StepFields(props: { step: ActionDraft; n: number; lookups: RuleLookups; onChange: (patch: Partial<ActionDraft>) => void }) {
  const s = () => props.step;
  const label = (what: string) => `Step ${props.n} ${what}`;
  const stagesOf = (pipelineId: string) => props.lookups.pipelines().find((p) => p.id === pipelineId)?.stages ?? [];
  const users = () => props.lookups.users();
  const teams = () => props.lookups.teams();

  return (
    <div class="rule-step-fields">
      <Switch>
        <Match when={s().type === 'add_tag' || s().type === 'remove_tag'}>
          <label>
            Tag
            <input aria-label={label('tag')} maxLength={64} placeholder="lead" value={s().tag} onInput={(e) => props.onChange({ tag: e.currentTarget.value })} />
          </label>
        </Match>

        <Match when={s().type === 'assign'}>
          <div class="form-grid">
            <label>
              Assign to
              <select aria-label={label('assign to')} onChange={(e) => props.onChange({ mode: e.currentTarget.value as ActionDraft['mode'] })}>
                <option value="round_robin" selected={s().mode === 'round_robin'}>
                  The next person in a team (round robin)
                </option>
                <option value="team" selected={s().mode === 'team'}>
                  A team
                </option>
                <option value="user" selected={s().mode === 'user'}>
                  A person
                </option>
              </select>
            </label>
            <Show
              when={s().mode === 'user'}
              fallback={
                <label>
                  Team
                  <PickSelect label={label('team')} value={s().teamId} items={teams()} empty="Choose a team…" onChange={(teamId) => props.onChange({ teamId })} />
                </label>
              }
            >
              <label>
                Person
                <PickSelect label={label('person')} value={s().userId} items={users()} empty="Choose a person…" onChange={(userId) => props.onChange({ userId })} />
              </label>
            </Show>
          </div>
          <Show when={s().mode === 'round_robin'}>
            <p class="muted small">Conversations are shared out in turn among the team's available members.</p>
          </Show>
        </Match>

        <Match when={s().type === 'set_status'}>
          <label>
            Status
            <select aria-label={label('status')} onChange={(e) => props.onChange({ status: e.currentTarget.value as ActionDraft['status'] })}>
              <For each={['open', 'pending', 'resolved'] as const}>
                {(v) => (
                  <option value={v} selected={v === s().status}>
                    {capital(v)}
                  </option>
                )}
              </For>
            </select>
          </label>
        </Match>

        <Match when={s().type === 'set_priority'}>
          <label>
            Priority
            <select aria-label={label('priority')} onChange={(e) => props.onChange({ priority: e.currentTarget.value as ActionDraft['priority'] })}>
              <For each={CONVERSATION_PRIORITIES}>
                {(v) => (
                  <option value={v} selected={v === s().priority}>
                    {capital(v)}
                  </option>
                )}
              </For>
            </select>
          </label>
        </Match>

        <Match when={s().type === 'create_task'}>
          <label>
            Task
            <input aria-label={label('task title')} maxLength={200} placeholder="Call the customer back" value={s().title} onInput={(e) => props.onChange({ title: e.currentTarget.value })} />
          </label>
          <div class="form-grid">
            <label>
              For
              <select aria-label={label('task for')} onChange={(e) => props.onChange({ assignee: e.currentTarget.value as ActionDraft['assignee'] })}>
                <option value="conversation_assignee" selected={s().assignee === 'conversation_assignee'}>
                  The conversation's assignee
                </option>
                <option value="user" selected={s().assignee === 'user'}>
                  A person
                </option>
              </select>
            </label>
            <Show when={s().assignee === 'user'}>
              <label>
                Person
                <PickSelect label={label('task person')} value={s().userId} items={users()} empty="Choose a person…" onChange={(userId) => props.onChange({ userId })} />
              </label>
            </Show>
            <label>
              Due in (minutes, optional)
              <input aria-label={label('due in minutes')} type="number" inputMode="numeric" min="0" placeholder="No due time" value={s().dueInMinutes} onInput={(e) => props.onChange({ dueInMinutes: e.currentTarget.value })} />
            </label>
          </div>
        </Match>

        <Match when={s().type === 'add_note'}>
          <label>
            Note (only your team sees it)
            <textarea aria-label={label('note')} rows={2} maxLength={4000} value={s().text} onInput={(e) => props.onChange({ text: e.currentTarget.value })} />
          </label>
        </Match>

        <Match when={s().type === 'send_reply'}>
          <label>
            Reply
            <textarea aria-label={label('reply')} rows={3} maxLength={4096} placeholder="Thanks for your message! We'll get back to you shortly." value={s().text} onInput={(e) => props.onChange({ text: e.currentTarget.value })} />
          </label>
          <p class="muted small">Sent only while the customer's 24-hour window is open; skipped otherwise (use a template for that).</p>
        </Match>

        <Match when={s().type === 'send_template'}>
          <label>
            Template
            <PickSelect
              label={label('template')}
              value={s().templateId}
              items={props.lookups.templates().map((t) => ({ id: t.id, name: `${t.name} (${t.language})` }))}
              empty={props.lookups.templates().length ? 'Choose an approved template…' : 'No approved templates'}
              onChange={(templateId) => props.onChange({ templateId })}
            />
          </label>
          <p class="muted small">Consent is respected: contacts who opted out do not get marketing templates.</p>
        </Match>

        <Match when={s().type === 'notify'}>
          <div class="form-grid">
            <label>
              Who
              <PickSelect label={label('notify who')} value={s().userId} items={users()} empty="The conversation's assignee" onChange={(userId) => props.onChange({ userId })} />
            </label>
            <label>
              Message
              <input aria-label={label('notification')} maxLength={500} placeholder="A hot lead is waiting" value={s().text} onInput={(e) => props.onChange({ text: e.currentTarget.value })} />
            </label>
          </div>
          <p class="muted small">It appears under the bell in Parley (titled with this rule's name) and, on devices where they turned it on, as a push notification.</p>
        </Match>

        <Match when={s().type === 'call_webhook'}>
          <label>
            Web address
            <input aria-label={label('web address')} type="url" inputMode="url" placeholder="https://example.com/hooks/parley" value={s().url} onInput={(e) => props.onChange({ url: e.currentTarget.value })} spellcheck={false} autocapitalize="off" />
          </label>
          <p class="muted small">Parley calls this address with the event that started the rule.</p>
        </Match>

        <Match when={s().type === 'set_deal_stage'}>
          <label>
            Stage
            <PickSelect label={label('stage')} value={s().stageId} items={stageItems(props.lookups)} empty="Choose a stage…" onChange={(stageId) => props.onChange({ stageId })} />
          </label>
        </Match>

        <Match when={s().type === 'create_deal'}>
          <label>
            Deal title
            <input aria-label={label('deal title')} maxLength={200} placeholder="New lead" value={s().title} onInput={(e) => props.onChange({ title: e.currentTarget.value })} />
          </label>
          <div class="form-grid">
            <label>
              Pipeline
              <PickSelect
                label={label('pipeline')}
                value={s().pipelineId}
                items={props.lookups.pipelines()}
                empty="Choose a pipeline…"
                onChange={(pipelineId) => props.onChange({ pipelineId, stageId: stagesOf(pipelineId).find((st) => st.outcome === 'open')?.id ?? '' })}
              />
            </label>
            <label>
              Stage
              <PickSelect label={label('deal stage')} value={s().stageId} items={stagesOf(s().pipelineId)} empty="Choose a stage…" onChange={(stageId) => props.onChange({ stageId })} />
            </label>
          </div>
        </Match>

        <Match when={s().type === 'wait'}>
          <label class="rule-minutes">
            Minutes
            <input aria-label={label('minutes')} type="number" inputMode="numeric" min="1" max="43200" value={s().minutes} onInput={(e) => props.onChange({ minutes: e.currentTarget.value })} />
          </label>
          <label class="check">
            <input type="checkbox" aria-label={label('stop if answered')} checked={s().stopIfAnswered} onChange={(e) => props.onChange({ stopIfAnswered: e.currentTarget.checked })} />
            Stop here if we reply to the customer or resolve the chat during the wait
          </label>
          <p class="muted small">
            The actions after this one run once the wait is over{s().stopIfAnswered ? ', unless someone answered meanwhile' : ', even if someone answered meanwhile'}.
          </p>
        </Match>
      </Switch>
    </div>
  );
}

