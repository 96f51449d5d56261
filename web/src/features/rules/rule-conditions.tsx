import { For, Index, Match, Show, Switch } from 'solid-js';
import type { ConditionOp } from './rules.api';
import { PickSelect } from './pick-select';
import { stageItems, type RuleLookups } from './rules.lookups';
import { conditionFields, conditionForField, conditionProblem, CONVERSATION_PRIORITIES, CONVERSATION_STATUSES, emptyCondition, fieldDef, LIMITS, opLabel, opNeedsValue, type ConditionDraft } from './rules.models';

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * "Only if": condition rows (field, condition, value) matched all or any; the value input follows the
 * field (a team, a person, a stage, yes/no, a number…). No rows: the rule always runs its actions.
 */
export function RuleConditions(props: { match: 'all' | 'any'; rows: ConditionDraft[]; onChange: (match: 'all' | 'any', rows: ConditionDraft[]) => void; lookups: RuleLookups; showProblems: boolean }) {
  const fields = () => conditionFields(props.lookups.fields());
  const setRow = (i: number, patch: Partial<ConditionDraft>) => props.onChange(props.match, props.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const remove = (i: number) => props.onChange(props.match, props.rows.filter((_, j) => j !== i));

  return (
    <div class="rule-conditions">
      <Show when={props.rows.length > 1}>
        <label class="rule-match">
          Run when
          <select aria-label="Match" onChange={(e) => props.onChange(e.currentTarget.value as 'all' | 'any', props.rows)}>
            <option value="all" selected={props.match === 'all'}>
              all of these are true
            </option>
            <option value="any" selected={props.match === 'any'}>
              any of these is true
            </option>
          </select>
        </label>
      </Show>
      <Show when={props.rows.length} fallback={<p class="muted small">No conditions: the actions run every time the trigger fires.</p>}>
        <ol class="plain rule-rows">
          <Index each={props.rows}>
            {(row, i) => {
              const def = () => fieldDef(row().field, props.lookups.fields());
              const problem = () => (props.showProblems ? conditionProblem(row(), props.lookups.fields()) : null);
              return (
                <li class="condition-row" data-testid="condition">
                  <select aria-label={`Condition ${i + 1} field`} onChange={(e) => setRow(i, conditionForField(e.currentTarget.value, props.lookups.fields()))}>
                    <For each={fields()}>
                      {(f) => (
                        <option value={f.id} selected={f.id === row().field}>
                          {f.label}
                        </option>
                      )}
                    </For>
                    <Show when={!fields().some((f) => f.id === row().field)}>
                      <option value={row().field} selected>
                        {def()?.label ?? row().field}
                      </option>
                    </Show>
                  </select>
                  <select aria-label={`Condition ${i + 1} test`} onChange={(e) => setRow(i, { op: e.currentTarget.value as ConditionOp })}>
                    <For each={def()?.ops ?? []}>
                      {(op) => (
                        <option value={op} selected={op === row().op}>
                          {opLabel(row().field, op, props.lookups.fields())}
                        </option>
                      )}
                    </For>
                  </select>
                  <Show when={opNeedsValue(row().op) || def()?.kind === 'hours'}>
                    <ConditionValue row={row()} kind={def()?.kind ?? 'text'} options={def()?.options ?? []} index={i} lookups={props.lookups} onChange={(value) => setRow(i, { value })} />
                  </Show>
                  <button type="button" class="icon" aria-label={`Remove condition ${i + 1}`} onClick={() => remove(i)}>
                    ✕
                  </button>
                  <Show when={problem()}>
                    <p class="error small condition-problem">{capital(problem()!)}.</p>
                  </Show>
                  <Show when={def()?.kind === 'hours'}>
                    {/* A new tab: the rule being edited stays as it is. */}
                    <p class="muted small condition-hint">
                      The hours, time zone and holidays are set in{' '}
                      <a href="/settings#business-hours" target="_blank" rel="noopener">
                        Settings → Business hours
                      </a>
                      .
                    </p>
                  </Show>
                </li>
              );
            }}
          </Index>
        </ol>
      </Show>
      <button type="button" class="link add-row" disabled={props.rows.length >= LIMITS.conditions} onClick={() => props.onChange(props.match, [...props.rows, emptyCondition()])}>
        + Add a condition
      </button>
    </div>
  );
}

/** The value of one condition, as the field's kind wants it. */
function ConditionValue(props: { row: ConditionDraft; kind: string; options: string[]; index: number; lookups: RuleLookups; onChange: (v: string) => void }) {
  const label = () => `Condition ${props.index + 1} value`;
  return (
    <Switch fallback={<input aria-label={label()} placeholder="Value" maxLength={500} value={props.row.value} onInput={(e) => props.onChange(e.currentTarget.value)} />}>
      <Match when={props.kind === 'number'}>
        <input aria-label={label()} type="number" inputMode="decimal" step="any" placeholder="0" value={props.row.value} onInput={(e) => props.onChange(e.currentTarget.value)} />
      </Match>
      <Match when={props.kind === 'date'}>
        <input aria-label={label()} type="date" value={props.row.value} onInput={(e) => props.onChange(e.currentTarget.value)} />
      </Match>
      <Match when={props.kind === 'yesno'}>
        <select aria-label={label()} onChange={(e) => props.onChange(e.currentTarget.value)}>
          <option value="true" selected={props.row.value !== 'false'}>
            Yes
          </option>
          <option value="false" selected={props.row.value === 'false'}>
            No
          </option>
        </select>
      </Match>
      <Match when={props.kind === 'option'}>
        <PickSelect label={label()} value={props.row.value} items={props.options.map((o) => ({ id: o, name: o }))} onChange={props.onChange} />
      </Match>
      <Match when={props.kind === 'user'}>
        <PickSelect label={label()} value={props.row.value} items={props.lookups.users()} onChange={props.onChange} />
      </Match>
      <Match when={props.kind === 'team'}>
        <PickSelect label={label()} value={props.row.value} items={props.lookups.teams()} onChange={props.onChange} />
      </Match>
      <Match when={props.kind === 'hours'}>
        <PickSelect label={label()} value={props.row.value} items={props.lookups.teams().map((t) => ({ id: t.id, name: `${t.name}'s hours` }))} empty="The workspace's hours" onChange={props.onChange} />
      </Match>
      <Match when={props.kind === 'stage'}>
        <PickSelect label={label()} value={props.row.value} items={stageItems(props.lookups)} onChange={props.onChange} />
      </Match>
      <Match when={props.kind === 'status'}>
        <PickSelect label={label()} value={props.row.value} items={CONVERSATION_STATUSES.map((s) => ({ id: s, name: capital(s) }))} onChange={props.onChange} />
      </Match>
      <Match when={props.kind === 'priority'}>
        <PickSelect label={label()} value={props.row.value} items={CONVERSATION_PRIORITIES.map((s) => ({ id: s, name: capital(s) }))} onChange={props.onChange} />
      </Match>
    </Switch>
  );
}
