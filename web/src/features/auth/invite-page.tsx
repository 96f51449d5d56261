import { ErrorLine } from '../../ui/error-line';
import { useNavigate, useParams } from '@solidjs/router';
import { createResource, createSignal, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { acceptInvitation, fetchInvitation } from '../settings/settings.api';

/** The page an invitation link opens: choose a name and password, then straight into the inbox. */
export function InvitePage() {
  const params = useParams<{ token: string }>();
  const navigate = useNavigate();
  const [invitation] = createResource(() => params.token, (t) => fetchInvitation(t));
  const [name, setName] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await acceptInvitation(params.token, name(), password());
      navigate('/', { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not join.');
    }
  };
  return (
    <main class="login">
      <form class="card login-card" onSubmit={submit}>
        <h1 class="brand">Parley</h1>
        <Show when={invitation.state === 'errored'}>
          <p class="error" role="alert">
            {invitation.error instanceof Error ? invitation.error.message : 'This invitation cannot be used.'}
          </p>
        </Show>
        <Show when={invitation.state === 'ready' && invitation()}>
          {(inv) => (
            <>
              <p>
                Join as <strong>{inv().email}</strong> ({inv().role}).
              </p>
              <label>
                Your name
                <input required autocomplete="name" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
              </label>
              <label>
                Choose a password
                <input type="password" required minLength={8} autocomplete="new-password" value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
              </label>
              <button type="submit" class="primary">
                Join
              </button>
            </>
          )}
        </Show>
        <ErrorLine message={error()} />
      </form>
    </main>
  );
}
