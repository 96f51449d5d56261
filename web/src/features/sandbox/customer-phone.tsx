import { ErrorLine } from '../../ui/error-line';
import { A } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { sendAsCustomer } from '../inbox/inbox.api';

/** Sandbox only: type as a customer. Messages travel simulator → signed webhook → Parley, like real ones. */
export function CustomerPhonePage() {
  const [name, setName] = createSignal('Sam Rivera');
  const [from, setFrom] = createSignal('+14155550188');
  const [text, setText] = createSignal('');
  const [sent, setSent] = createSignal<string[]>([]);
  const [error, setError] = createSignal<string | null>(null);

  const send = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await sendAsCustomer({ from: from(), name: name(), text: text() });
      setSent((s) => [...s, text()]);
      setText('');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not send.');
    }
  };

  return (
    <main class="phone-page">
      <div class="phone card">
        <h1>Customer phone</h1>
        <p class="muted small">
          You are a customer writing to the business. Replies appear in the <A href="/">inbox</A>.
        </p>
        <label>
          Name
          <input value={name()} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          WhatsApp number
          <input value={from()} inputmode="tel" onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <ol class="messages">
          <For each={sent()}>
            {(t) => (
              <li class="bubble outbound">
                <p class="text">{t}</p>
              </li>
            )}
          </For>
        </ol>
        <form class="composer" onSubmit={send}>
          <input aria-label="Customer message" placeholder="Type a message" value={text()} onInput={(e) => setText(e.currentTarget.value)} />
          <button type="submit" class="primary" disabled={!text().trim()}>
            Send
          </button>
        </form>
        <ErrorLine message={error()} />
      </div>
    </main>
  );
}
