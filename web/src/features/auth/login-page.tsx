import { ErrorLine } from '../../ui/error-line';
import { useNavigate, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { fetchSystemStatus, login, setupOwner } from './auth.api';

/** Sign-in form; in sandbox mode it shows the demo login and fills it in on request. */
export function LoginPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [status] = createResource(() => fetchSystemStatus().catch(() => null));
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const [name, setName] = createSignal('');
  const setup = () => status.state === 'ready' && status()?.needsSetup === true;
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (setup()) await setupOwner({ email: email(), name: name(), password: password() });
      else await login(email(), password());
      const next = typeof params.next === 'string' && params.next.startsWith('/') ? params.next : '/';
      navigate(next, { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Sign-in failed.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title" class="brand">Parley</h1>
        <p class="muted">WhatsApp conversations, owned and followed up.</p>
        <Show when={setup()}>
          <div class="notice" role="note">
            <strong>Welcome!</strong> Create the owner account for this Parley. You can invite your team afterwards.
          </div>
          <label>
            Your name
            <input name="name" autocomplete="name" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
        </Show>
        <Show when={status.state === 'ready' && status()?.demoLogin}>
          {(demo) => (
            <div class="notice" role="note">
              <strong>Sandbox mode.</strong> Sign in as <code>{demo().email}</code> / <code>{demo().password}</code>.{' '}
              <button type="button" class="link" onClick={() => (setEmail(demo().email), setPassword(demo().password))}>
                Fill in
              </button>
            </div>
          )}
        </Show>
        <label>
          Email
          <input type="email" name="email" autocomplete="username" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autocomplete={setup() ? 'new-password' : 'current-password'}
            minLength={setup() ? 8 : undefined}
            required
            value={password()}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <ErrorLine message={error()} />
        <button type="submit" class="primary" disabled={busy()}>
          {busy() ? 'Please wait…' : setup() ? 'Create owner account' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
