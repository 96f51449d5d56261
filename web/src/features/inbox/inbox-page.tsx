import { useLocation, useNavigate } from '@solidjs/router';
import { createEffect, createResource, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { fetchMe, fetchSystemStatus, logout } from '../auth/auth.api';

/** The inbox frame: header, sandbox banner, and the (still empty) conversation list. */
export function InboxPage() {
  const navigate = useNavigate();
  const location = useLocation();
  const [me] = createResource(fetchMe);
  const [status] = createResource(fetchSystemStatus);

  // An expired or missing session goes to sign-in and comes back here afterwards.
  createEffect(() => {
    const err = me.error;
    if (err instanceof ApiError && err.status === 401) {
      navigate(`/login?next=${encodeURIComponent(location.pathname)}`, { replace: true });
    }
  });

  const signOut = async () => {
    await logout().catch(() => undefined);
    navigate('/login', { replace: true });
  };

  return (
    <div class="shell">
      <Show when={status()?.mode === 'sandbox'}>
        <div class="sandbox-banner" role="status">
          Sandbox mode: a built-in simulator plays WhatsApp. Nothing is sent to real customers.
        </div>
      </Show>
      <header class="topbar">
        <span class="brand">Parley</span>
        <Show when={me()}>
          {(user) => (
            <span class="topbar-user">
              <span class="muted">{user().name}</span>
              <button type="button" onClick={signOut}>
                Sign out
              </button>
            </span>
          )}
        </Show>
      </header>
      <Show when={me.error && !(me.error instanceof ApiError && me.error.status === 401)}>
        <p class="error" role="alert">
          {me.error instanceof Error ? me.error.message : 'Could not load your account.'}
        </p>
      </Show>
      <Show when={me()}>
        <main class="inbox" aria-label="Inbox">
          <section class="conversation-list" aria-label="Conversations">
            <h2>Conversations</h2>
            <p class="empty muted">No conversations yet. New WhatsApp chats will appear here.</p>
          </section>
        </main>
      </Show>
    </div>
  );
}
