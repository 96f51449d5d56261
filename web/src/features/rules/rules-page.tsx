import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { createAction, errorMessage } from '../../ui/action';
import { AppShell, StaffOnly } from '../../ui/app-shell';
import { ErrorLine } from '../../ui/error-line';
import { ToneBadge } from '../../ui/tone-badge';
import { CampaignsTabs } from '../campaigns/campaigns-tabs';
import { fetchRules, updateRule, type Rule } from './rules.api';
import { createRuleLookups } from './rules.lookups';
import { agoText, conditionText, EXAMPLES, ruleSummary } from './rules.models';
import '../../ui/crm.css';
import '../templates/templates.css';
import './rules.css';

/** Automation (owners and admins): every rule in words, switched on and off in place; new ones from a form or an example. */
export function RulesPage() {
  return (
    <AppShell>
      {(me) => (
        <StaffOnly me={me} what="automation">
          <RulesBody />
        </StaffOnly>
      )}
    </AppShell>
  );
}

function RulesBody() {
  const [rules, { mutate }] = createResource(fetchRules);
  const lookups = createRuleLookups();
  const [busy, setBusy] = createSignal<string | null>(null);
  const action = createAction();
  const list = () => (rules.state === 'ready' || rules.state === 'refreshing' ? rules.latest : undefined);
  /** Turns a rule on or off; a refusal puts the switch back. */
  const toggle = async (r: Rule, input: HTMLInputElement) => {
    setBusy(r.id);
    const ok = await action.run(async () => {
      const saved = await updateRule(r.id, { enabled: input.checked });
      mutate((all) => all?.map((x) => (x.id === saved.id ? saved : x)));
    });
    if (!ok) input.checked = r.enabled;
    setBusy(null);
  };

  return (
    <main class="page rules-page" aria-labelledby="rules-title">
      <div class="page-head">
        <h1 id="rules-title">Automation</h1>
        <A href="/automation/new" class="button primary">
          New rule
        </A>
      </div>
      <CampaignsTabs />
      <p class="muted small page-note">Rules act on their own when something happens: tag, assign, reply, create tasks or deals, call a webhook.</p>
      <ErrorLine message={rules.state === 'errored' ? errorMessage(rules.error) : action.error()} />
      <ul class="rule-list">
        <For each={list()} fallback={<li class="card muted">{rules.loading ? 'Loading…' : 'No rules yet. Start from an example below or write your own.'}</li>}>
          {(r) => {
            const summary = () => ruleSummary(r, lookups.names());
            return (
              <li class="card rule-item" data-testid="rule">
                <div class="rule-item-head">
                  <A class="rule-name" href={`/automation/${r.id}`}>
                    {r.name}
                  </A>
                  <label class="check switch">
                    <input type="checkbox" role="switch" checked={r.enabled} disabled={busy() === r.id} aria-label={`${r.name} on`} onChange={(e) => void toggle(r, e.currentTarget)} />
                    <span aria-hidden="true">{r.enabled ? 'On' : 'Off'}</span>
                  </label>
                </div>
                <Show when={summary().badges.length}>
                  <p class="badge-row">
                    <For each={summary().badges}>
                      {(b) => (
                        <ToneBadge tone={b.tone} title={b.tone === 'bad' ? (r.flaggedError ?? undefined) : undefined}>
                          {b.label}
                        </ToneBadge>
                      )}
                    </For>
                  </p>
                </Show>
                <p class="rule-when">{summary().when}</p>
                {/* Two rules with the same trigger differ only here: the list must say it. */}
                <Show when={r.conditions?.items.length}>
                  <p class="small rule-then">
                    <span class="muted">Only if: </span>
                    {r.conditions!.items.map((c) => conditionText(c, lookups.names(), lookups.fields())).join(r.conditions!.match === 'any' ? ' or ' : ' and ')}
                  </p>
                </Show>
                <Show when={summary().then}>
                  <p class="small rule-then">
                    <span class="muted">Then: </span>
                    {summary().then}
                  </p>
                </Show>
                <Show when={r.flaggedError}>
                  <p class="error small">{r.flaggedError}</p>
                </Show>
                <p class="muted small">
                  {r.runs24h} run{r.runs24h === 1 ? '' : 's'} in 24 h · last run {agoText(r.lastRunAt, Date.now())}
                </p>
              </li>
            );
          }}
        </For>
      </ul>
      <section class="card" aria-labelledby="examples-title">
        <h2 id="examples-title">Start from an example</h2>
        <ul class="plain example-list">
          <For each={EXAMPLES}>
            {(ex) => (
              <li>
                <A class="example-link" href={`/automation/new?example=${ex.id}`}>
                  <strong>{ex.label}</strong>
                  <span class="muted small">{ex.description}</span>
                </A>
              </li>
            )}
          </For>
        </ul>
      </section>
    </main>
  );
}
