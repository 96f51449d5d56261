import { createSignal, For, Show } from 'solid-js';
import { createAction } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import type { TestSendResult } from './templates.api';
import { MAX_TEST_NUMBERS, parseNumbers } from './templates.models';

const KEY = 'parley.testNumbers';
const remembered = () => {
  try {
    return localStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
};

/** Sends the message as it stands to a few of the team's own phones (up to 10), and lists what went out. */
export function TestSendForm(props: { onSend: (numbers: string[]) => Promise<TestSendResult>; disabled?: string | null; note?: string }) {
  const [text, setText] = createSignal(remembered());
  const [result, setResult] = createSignal<TestSendResult | null>(null);
  const [busy, setBusy] = createSignal(false);
  const action = createAction();
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const { numbers, error } = parseNumbers(text());
    if (error) return action.setError(error);
    setBusy(true);
    setResult(null);
    await action.run(async () => {
      setResult(await props.onSend(numbers));
      try {
        localStorage.setItem(KEY, numbers.join(', '));
      } catch {
        // private mode: the numbers are not remembered
      }
    });
    setBusy(false);
  };
  return (
    <form class="test-send" aria-label="Test send" onSubmit={submit}>
      <label>
        Test numbers
        <textarea rows={2} inputMode="tel" placeholder="+351 912 000 101, +1 415 555 0101" value={text()} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <p class="muted small">Up to {MAX_TEST_NUMBERS}, separated by commas or new lines. {props.note ?? ''}</p>
      <div class="form-buttons">
        <button type="submit" disabled={busy() || !!props.disabled}>
          {busy() ? 'Sending…' : 'Send test'}
        </button>
        <Show when={props.disabled}>
          <span class="muted small">{props.disabled}</span>
        </Show>
      </div>
      <Show when={result()}>
        {(r) => (
          <ul class="plain test-results" role="status" aria-label="Test results">
            <For each={r().messages}>
              {(m) => (
                <li>
                  <span class="test-to">{m.to}</span> <span class={m.status === 'failed' ? 'error' : 'muted'}>{m.status === 'failed' ? 'failed' : `sent (${m.status})`}</span>
                </li>
              )}
            </For>
          </ul>
        )}
      </Show>
      <ErrorLine message={action.error()} />
    </form>
  );
}
