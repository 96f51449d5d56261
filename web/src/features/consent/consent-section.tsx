import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import { createAction, errorMessage } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { ToneBadge } from '../../ui/tone-badge';
import { fetchTeam } from '../inbox/inbox.api';
import { fetchConsent, recordConsent, type ConsentStatus } from './consent.api';
import { consentState, historyLine, sourceLabel } from './consent.models';

const TONES = { opted_in: 'ok', opted_out: 'bad', unknown: 'neutral' } as const;
const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

/**
 * A contact's marketing consent: the current state with where it came from, the history, and buttons to
 * record an opt-in (from a form or by hand) or an opt-out, with an optional note. `compact` (the inbox
 * panel) keeps the history and the buttons folded away.
 */
export function ConsentSection(props: { contactId: string; compact?: boolean; refreshKey?: unknown; onChange?: () => void }) {
  const [consent, { mutate, refetch }] = createResource(() => props.contactId, fetchConsent);
  const [team] = createResource(() => fetchTeam().catch(() => []));
  const [note, setNote] = createSignal('');
  const [open, setOpen] = createSignal(!props.compact);
  const action = createAction();
  createEffect(on(() => props.refreshKey, () => void refetch(), { defer: true }));
  const data = () => (consent.state === 'ready' || consent.state === 'refreshing' ? consent.latest : undefined);
  const names = () => new Map((team() ?? []).map((u) => [u.id, u.name]));
  const record = async (status: ConsentStatus, source: 'manual' | 'form') => {
    const detail = note().trim();
    const ok = await action.run(async () => mutate(await recordConsent(props.contactId, { status, source, ...(detail && { detail }) })));
    if (ok) (setNote(''), props.onChange?.());
  };

  return (
    <div class={`consent ${props.compact ? 'compact' : ''}`} data-testid="consent">
      <Show when={data()} fallback={<p class={consent.error ? 'error small' : 'muted small'}>{consent.error ? errorMessage(consent.error) : 'Loading…'}</p>}>
        {(c) => (
          <>
            <p class="consent-now">
              <ToneBadge tone={TONES[consentState(c()).state]}>
                <span data-testid="consent-state">{consentState(c()).label}</span>
              </ToneBadge>
              <Show when={consentState(c()).source}>
                <span class="muted small">
                  {' '}
                  via {sourceLabel(consentState(c()).source)}
                  {consentState(c()).at ? ` · ${when(consentState(c()).at!)}` : ''}
                </span>
              </Show>
            </p>
            <Show when={props.compact}>
              <button type="button" class="link consent-toggle" aria-expanded={open()} onClick={() => setOpen(!open())}>
                {open() ? 'Hide consent history' : 'Consent history and changes'}
              </button>
            </Show>
            <Show when={open()}>
              <ul class="plain consent-history" aria-label="Consent history">
                <For each={c().history} fallback={<li class="muted small">Nothing recorded yet.</li>}>
                  {(e) => (
                    <li class="small">
                      <span>{historyLine(e, names())}</span> <span class="muted">{when(e.at)}</span>
                    </li>
                  )}
                </For>
              </ul>
              <div class="consent-record" role="group" aria-label="Record consent">
                <label>
                  Note (optional)
                  <input maxLength={500} placeholder="Signed up at the counter" value={note()} onInput={(e) => setNote(e.currentTarget.value)} />
                </label>
                <div class="form-buttons">
                  <button type="button" onClick={() => void record('opted_in', 'form')}>
                    Opted in (form)
                  </button>
                  <button type="button" onClick={() => void record('opted_in', 'manual')}>
                    Opted in (by hand)
                  </button>
                  <button type="button" class="danger" onClick={() => void record('opted_out', 'manual')}>
                    Opted out
                  </button>
                </div>
              </div>
            </Show>
          </>
        )}
      </Show>
      <ErrorLine message={action.error()} />
    </div>
  );
}
