import { createMemo, createSignal, For, Match, Show, Switch, untrack } from 'solid-js';
import type { RuleLookups } from './rules.lookups';
import { checkCron, cronText, CRON_PRESETS, isTimeZone, keywordList, keywordMatches, regexProblem, type TriggerDraft } from './rules.models';

const ZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
})();
/** A time as the schedule's zone reads it (the viewer's when the zone is unknown). */
const when = (d: Date, zone: string | null) => d.toLocaleString([], { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', ...(zone && { timeZone: zone }) });

/** The options of the chosen trigger: keywords and a pattern (with a try-it box), minutes, tag, stage or schedule. */
export function TriggerFields(props: { value: TriggerDraft; onChange: (patch: Partial<TriggerDraft>) => void; lookups: RuleLookups }) {
  const v = () => props.value;
  const [sample, setSample] = createSignal('');
  const patternProblem = () => (v().regex.trim() ? regexProblem(v().regex) : null);
  const zone = () => (isTimeZone(v().timezone.trim()) ? v().timezone.trim() : null);
  const cron = createMemo(() => checkCron(v().cron, zone() ?? undefined));
  const cronError = () => {
    const c = cron();
    return 'error' in c ? c.error : null;
  };
  const cronNext = () => {
    const c = cron();
    return 'next' in c ? c.next : null;
  };
  const sampleHits = () => keywordMatches({ keywords: keywordList(v().keywords), regex: v().regex.trim() ? v().regex : undefined }, sample());

  return (
    <Switch>
      <Match when={v().type === 'message_received'}>
        <label class="check">
          <input type="checkbox" checked={v().firstMessageOnly} onChange={(e) => props.onChange({ firstMessageOnly: e.currentTarget.checked })} />
          <span>Only the first message of a conversation</span>
        </label>
      </Match>

      <Match when={v().type === 'keyword'}>
        <label>
          Keywords
          <input placeholder="price, cost, how much" value={v().keywords} onInput={(e) => props.onChange({ keywords: e.currentTarget.value })} />
        </label>
        <p class="muted small">Separated by commas. Whole words only; capitals and accents do not matter (“preco” finds “Preço”).</p>
        {/* Open from the start when the rule has a pattern; emptying the field must not fold it away. */}
        <details class="rule-advanced" open={untrack(() => !!v().regex)}>
          <summary>Advanced: a pattern</summary>
          <label>
            Pattern (regular expression)
            <input class="mono" placeholder="order\s*#?\d{4,}" value={v().regex} onInput={(e) => props.onChange({ regex: e.currentTarget.value })} aria-invalid={!!patternProblem()} spellcheck={false} autocapitalize="off" />
          </label>
          <Show when={patternProblem()} fallback={<p class="muted small">Case-insensitive. Starts the rule too when it matches anywhere in the message.</p>}>
            <p class="error small" role="alert">
              Not a valid pattern: {patternProblem()}
            </p>
          </Show>
        </details>
        <div class="rule-try">
          <label>
            Try a message
            <input placeholder="Hi! What's the price?" value={sample()} onInput={(e) => setSample(e.currentTarget.value)} />
          </label>
          <Show when={sample().trim()}>
            <p class={`small ${sampleHits() ? 'rule-hit' : 'muted'}`} role="status">
              {sampleHits() ? '✓ This message starts the rule.' : '✗ This message does not start the rule.'}
            </p>
          </Show>
        </div>
      </Match>

      <Match when={v().type === 'no_business_reply' || v().type === 'no_customer_reply'}>
        <label class="rule-minutes">
          {v().type === 'no_business_reply' ? 'Minutes without a reply from us' : 'Minutes without an answer from the customer'}
          <input type="number" inputMode="numeric" min="1" max="43200" placeholder="30" value={v().minutes} onInput={(e) => props.onChange({ minutes: e.currentTarget.value })} />
        </label>
        <p class="muted small">
          {v().type === 'no_business_reply' ? 'Starts once a customer message has waited this long without an answer from the business.' : 'Starts once our last message has waited this long without an answer from the customer.'}
        </p>
      </Match>

      <Match when={v().type === 'tag_added' || v().type === 'tag_removed'}>
        <label>
          Tag (optional)
          <input placeholder="Any tag" maxLength={64} value={v().tag} onInput={(e) => props.onChange({ tag: e.currentTarget.value })} />
        </label>
      </Match>

      <Match when={v().type === 'deal_stage_changed'}>
        <label>
          Into stage
          <select aria-label="Into stage" onChange={(e) => props.onChange({ stageId: e.currentTarget.value })}>
            <option value="" selected={!v().stageId}>
              Any stage
            </option>
            <For each={props.lookups.pipelines()}>
              {(p) => (
                <optgroup label={p.name}>
                  <For each={p.stages}>
                    {(s) => (
                      <option value={s.id} selected={s.id === v().stageId}>
                        {s.name}
                      </option>
                    )}
                  </For>
                </optgroup>
              )}
            </For>
          </select>
        </label>
      </Match>

      <Match when={v().type === 'schedule'}>
        <div class="chip-row" role="group" aria-label="Common schedules">
          <For each={CRON_PRESETS}>
            {(p) => (
              <button type="button" class={`chip-choice ${v().cron.trim() === p.cron ? 'active' : ''}`} aria-pressed={v().cron.trim() === p.cron} onClick={() => props.onChange({ cron: p.cron })}>
                {p.label}
              </button>
            )}
          </For>
        </div>
        <div class="form-grid">
          <label>
            Schedule (cron)
            <input class="mono" placeholder="0 9 * * 1-5" value={v().cron} onInput={(e) => props.onChange({ cron: e.currentTarget.value })} spellcheck={false} autocapitalize="off" />
          </label>
          <label>
            Time zone
            <input list="rule-time-zones" placeholder="Europe/Lisbon" value={v().timezone} onInput={(e) => props.onChange({ timezone: e.currentTarget.value })} aria-invalid={!isTimeZone(v().timezone.trim())} spellcheck={false} autocapitalize="off" />
            <datalist id="rule-time-zones">
              <For each={ZONES}>{(z) => <option value={z} />}</For>
            </datalist>
          </label>
        </div>
        <Show when={v().cron.trim()} fallback={<p class="muted small">Minute, hour, day of month, month, day of week: “0 9 * * 1-5” is 09:00 on weekdays.</p>}>
          <Show
            when={!cronError()}
            fallback={
              <p class="error small" role="alert">
                Not a valid schedule: {cronError()}
              </p>
            }
          >
            <p class="small" role="status">
              {cronText(v().cron)}
              <Show when={zone()}>
                <span class="muted"> ({zone()})</span>
              </Show>
              <Show when={cronNext()}>{(next) => <span class="muted"> · next: {when(next(), zone())}</span>}</Show>
            </p>
          </Show>
        </Show>
      </Match>

      <Match when={v().type === 'task_due'}>
        <p class="muted small">When a task reaches its due time.</p>
      </Match>
      <Match when={v().type === 'payment_status_changed'}>
        <p class="muted small">When a deal's payment becomes pending, paid, failed, refunded or cancelled.</p>
      </Match>
      <Match when={v().type === 'contact_updated'}>
        <p class="muted small">When a contact's name, language, custom fields or other details change.</p>
      </Match>
    </Switch>
  );
}
