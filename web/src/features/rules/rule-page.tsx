import { A, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import { createAction, errorMessage } from '../../ui/action';
import { AppShell, StaffOnly } from '../../ui/app-shell';
import { ErrorLine } from '../../ui/error-line';
import { ToneBadge } from '../../ui/tone-badge';
import { RuleEditor } from './rule-editor';
import { deleteRule, fetchRule, updateRule, type Rule } from './rules.api';
import { createRuleLookups, type RuleLookups } from './rules.lookups';
import { agoText, EXAMPLES, localTimeZone, ruleSummary, type RuleDraft } from './rules.models';
import { RunLog } from './run-log';
import '../../ui/crm.css';
import '../templates/templates.css';
import './rules.css';

/** A new rule: the form, empty or filled from an example (`?example=lead-router`). */
export function NewRulePage() {
  return (
    <AppShell>
      {(me) => (
        <StaffOnly me={me} what="automation">
          <NewRuleBody />
        </StaffOnly>
      )}
    </AppShell>
  );
}

function NewRuleBody() {
  const [search] = useSearchParams<{ example?: string }>();
  const lookups = createRuleLookups();
  const [start, setStart] = createSignal<RuleDraft | null>(null);
  // Examples pick the first team and a manager (an admin, else an owner); the form shows what they chose.
  const apply = (id: string) => {
    const ex = EXAMPLES.find((e) => e.id === id);
    const users = lookups.users();
    const manager = users.find((u) => u.role === 'admin') ?? users.find((u) => u.role === 'owner');
    if (ex) setStart(ex.draft({ teamId: lookups.teams()[0]?.id, managerId: manager?.id, timezone: localTimeZone() }));
  };
  // From the list's example links: filled once the teams and people are in.
  createEffect(on(lookups.loading, (loading) => !loading && search.example && !start() && apply(search.example)));

  return (
    <main class="page rule-page" aria-labelledby="rule-title">
      <div class="page-head">
        <A href="/automation" class="small">
          ← Automation
        </A>
      </div>
      <h1 id="rule-title" class="contact-title">
        New rule
      </h1>
      <section class="card rule-examples" aria-labelledby="examples-title">
        <h2 id="examples-title">Start from an example</h2>
        <div class="chip-row">
          <For each={EXAMPLES}>
            {(ex) => (
              <button type="button" class="chip-choice" title={ex.description} onClick={() => apply(ex.id)}>
                {ex.label}
              </button>
            )}
          </For>
        </div>
        <p class="muted small">Fills the form below; change anything, nothing is saved until you create the rule.</p>
      </section>
      <RuleEditor rule={null} lookups={lookups} start={start()} onSaved={() => undefined} />
    </main>
  );
}

/** One rule: on/off, its health, the form and the run log. */
export function RulePage() {
  return (
    <AppShell>
      {(me) => (
        <StaffOnly me={me} what="automation">
          <RuleBody />
        </StaffOnly>
      )}
    </AppShell>
  );
}

function RuleBody() {
  const params = useParams<{ id: string }>();
  const lookups = createRuleLookups();
  const [rule, { mutate }] = createResource(() => params.id, fetchRule);
  const [tick, setTick] = createSignal(0);
  const current = () => (rule.state === 'ready' || rule.state === 'refreshing' ? rule.latest : undefined);
  const changed = (r: Rule) => (mutate(r), setTick((t) => t + 1));

  return (
    <main class="page rule-page" aria-labelledby="rule-title">
      <div class="page-head">
        <A href="/automation" class="small">
          ← Automation
        </A>
      </div>
      <Show when={current()} fallback={<p class={rule.error ? 'error' : 'muted'}>{rule.error ? errorMessage(rule.error) : 'Loading…'}</p>}>
        {(r) => (
          <>
            <RuleHead rule={r()} lookups={lookups} onChange={changed} />
            <Show when={r().id} keyed>
              {(_id) => <RuleEditor rule={r()} lookups={lookups} onSaved={changed} />}
            </Show>
            <RunLog ruleId={r().id} tick={tick()} names={lookups.names()} />
          </>
        )}
      </Show>
    </main>
  );
}

/** Name, what starts it, on/off, runs, a flagged error; turn on or off, delete (not built-in rules). */
function RuleHead(props: { rule: Rule; lookups: RuleLookups; onChange: (r: Rule) => void }) {
  const navigate = useNavigate();
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const action = createAction();
  const r = () => props.rule;
  const summary = () => ruleSummary(r(), props.lookups.names());
  const toggle = async () => {
    setBusy(true);
    await action.run(async () => props.onChange(await updateRule(r().id, { enabled: !r().enabled })));
    setBusy(false);
  };
  const remove = async () => {
    if (await action.run(() => deleteRule(r().id))) navigate('/automation', { replace: true });
  };

  return (
    <section class="card rule-head" aria-labelledby="rule-title">
      <h1 id="rule-title" class="contact-title">
        {r().name}
      </h1>
      <p class="badge-row">
        <ToneBadge tone={r().enabled ? 'ok' : 'neutral'}>
          <span data-testid="rule-state">{r().enabled ? 'On' : 'Off'}</span>
        </ToneBadge>
        <For each={summary().badges}>{(b) => <ToneBadge tone={b.tone}>{b.label}</ToneBadge>}</For>
      </p>
      <p>{summary().when}</p>
      <p class="muted small">
        {r().runs24h} run{r().runs24h === 1 ? '' : 's'} in 24 h · last run {agoText(r().lastRunAt, Date.now())}
      </p>
      <Show when={r().flaggedError}>
        <p class="notice small" role="status">
          Needs attention: {r().flaggedError}
        </p>
      </Show>
      <Show
        when={confirming()}
        fallback={
          <div class="form-buttons">
            <button type="button" class={r().enabled ? '' : 'primary'} disabled={busy()} onClick={() => void toggle()}>
              {r().enabled ? 'Turn off' : 'Turn on'}
            </button>
            <Show when={!r().builtIn} fallback={<span class="muted small">Built-in rules can be turned off but not deleted.</span>}>
              <button type="button" class="danger" onClick={() => setConfirming(true)}>
                Delete rule
              </button>
            </Show>
          </div>
        }
      >
        <p>Delete “{r().name}”? This cannot be undone; turning it off keeps it for later.</p>
        <div class="form-buttons">
          <button type="button" class="danger" onClick={() => void remove()}>
            Yes, delete
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      </Show>
      <ErrorLine message={action.error()} />
    </section>
  );
}
