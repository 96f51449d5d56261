import { useNavigate } from '@solidjs/router';
import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { createAction, errorMessage } from '../../ui/action';
import { ErrorLine, FormProblems } from '../../ui/error-line';
import { RuleActions } from './rule-actions';
import { RuleConditions } from './rule-conditions';
import { TriggerFields } from './trigger-fields';
import { createRule, updateRule, type Rule } from './rules.api';
import type { RuleLookups } from './rules.lookups';
import { explainError, localTimeZone, ruleDraft, ruleInput, TRIGGERS, validateRule, type RuleDraft, type TriggerDraft } from './rules.models';

/**
 * A new or stored rule as a form: its name; "When" (the trigger and its options); "Only if" (conditions,
 * all or any); "Do" (ordered actions); which number and team it applies to. `start` replaces the form
 * (an example was picked). New rules are created off unless "Turn it on" is ticked.
 */
export function RuleEditor(props: { rule: Rule | null; lookups: RuleLookups; start?: RuleDraft | null; onSaved: (r: Rule) => void }) {
  const navigate = useNavigate();
  const initial = () => props.start ?? ruleDraft(props.rule, localTimeZone());
  const [draft, setDraft] = createSignal<RuleDraft>(initial());
  const [baseline, setBaseline] = createSignal<RuleDraft | null>(props.rule ? ruleDraft(props.rule, localTimeZone()) : null);
  const [enableOnCreate, setEnableOnCreate] = createSignal(true);
  const [tried, setTried] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const action = createAction();
  const update = (patch: Partial<RuleDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setTrigger = (patch: Partial<TriggerDraft>) => update({ trigger: { ...draft().trigger, ...patch } });
  const fields = () => props.lookups.fields();
  const problems = () => (tried() ? validateRule(draft(), fields()) : []);
  const dirty = () => !baseline() || JSON.stringify(ruleInput(draft())) !== JSON.stringify(ruleInput(baseline()!));

  // An example picked on the new-rule page fills the form again.
  createEffect(on(() => props.start, (start) => start && (setDraft(start), setTried(false)), { defer: true }));

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setTried(true);
    if (validateRule(draft(), fields()).length) return;
    const sent = draft();
    setBusy(true);
    action.setError(null);
    try {
      if (props.rule) {
        const saved = await updateRule(props.rule.id, ruleInput(sent));
        setBaseline(sent);
        setTried(false);
        props.onSaved(saved);
      } else {
        const saved = await createRule({ ...ruleInput(sent), enabled: enableOnCreate() });
        navigate(`/automation/${saved.id}`, { replace: true });
      }
    } catch (err) {
      action.setError(explainError(errorMessage(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="rule-form" aria-label="Rule" onSubmit={submit} novalidate>
      <section class="card rule-trigger">
        <label>
          Rule name
          <input maxLength={200} placeholder="Lead router" value={draft().name} onInput={(e) => update({ name: e.currentTarget.value })} />
        </label>
        <h2 class="rule-section-title">When</h2>
        <label>
          Trigger
          <select aria-label="Trigger" onChange={(e) => setTrigger({ type: e.currentTarget.value as TriggerDraft['type'] })}>
            <For each={TRIGGERS}>
              {(t) => (
                <option value={t.type} selected={t.type === draft().trigger.type}>
                  {t.label}
                </option>
              )}
            </For>
          </select>
        </label>
        <TriggerFields value={draft().trigger} onChange={setTrigger} lookups={props.lookups} />
      </section>

      <section class="card" aria-labelledby="rule-if-title">
        <h2 id="rule-if-title">Only if</h2>
        <RuleConditions match={draft().match} rows={draft().conditions} onChange={(match, conditions) => update({ match, conditions })} lookups={props.lookups} showProblems={tried()} />
      </section>

      <section class="card" aria-labelledby="rule-do-title">
        <h2 id="rule-do-title">Do</h2>
        <RuleActions steps={draft().actions} onChange={(actions) => update({ actions })} lookups={props.lookups} showProblems={tried()} />
      </section>

      <section class="card" aria-labelledby="rule-scope-title">
        <h2 id="rule-scope-title">Applies to</h2>
        <div class="form-grid">
          <label>
            WhatsApp number
            <select aria-label="WhatsApp number" onChange={(e) => update({ channelId: e.currentTarget.value })}>
              <option value="" selected={!draft().channelId}>
                All numbers
              </option>
              <For each={props.lookups.channels()}>
                {(c) => (
                  <option value={c.id} selected={c.id === draft().channelId}>
                    {c.name} · {c.displayPhoneNumber ?? c.phoneNumberId}
                  </option>
                )}
              </For>
            </select>
          </label>
          <label>
            Team
            <select aria-label="Team" onChange={(e) => update({ teamId: e.currentTarget.value })}>
              <option value="" selected={!draft().teamId}>
                All teams
              </option>
              <For each={props.lookups.teams()}>
                {(t) => (
                  <option value={t.id} selected={t.id === draft().teamId}>
                    {t.name}
                  </option>
                )}
              </For>
            </select>
          </label>
        </div>
        <p class="muted small">Only conversations on this number and in this team start the rule.</p>

        <FormProblems problems={problems()} />
        <ErrorLine message={action.error()} />
        <div class="form-buttons">
          <button type="submit" class="primary" disabled={busy()}>
            {props.rule ? 'Save rule' : 'Create rule'}
          </button>
          <Show when={!props.rule}>
            <label class="check">
              <input type="checkbox" checked={enableOnCreate()} onChange={(e) => setEnableOnCreate(e.currentTarget.checked)} />
              <span>Turn it on</span>
            </label>
          </Show>
          <Show when={props.rule}>
            <span class="muted small" role="status">
              {dirty() ? 'Unsaved changes.' : 'All changes saved.'}
            </span>
          </Show>
        </div>
      </section>
    </form>
  );
}
