import { A, useLocation, useNavigate } from '@solidjs/router';
import { createResource, For, Show, type JSX } from 'solid-js';
import { ApiError } from '../lib/api/client';
import { disablePush } from '../lib/push';
import { fetchMe, fetchSystemStatus, logout, type Me } from '../features/auth/auth.api';
import { NotificationBell } from '../features/notifications/notification-bell';

interface NavItem {
  href: string;
  label: string;
  /** A shorter label for the phone tab bar, where eight tabs share 390 px (the link keeps `label` as its name). */
  short?: string;
  /** An SVG path (24×24, stroked with the link's colour). */
  icon: string;
  staff?: boolean;
  /** Paths that count as this section (the inbox owns `/` and every `/c/:id`). */
  match: (path: string) => boolean;
}

const NAV: NavItem[] = [
  { href: '/', label: 'Inbox', icon: 'M4 5h16v11H9l-5 4z', match: (p) => p === '/' || p.startsWith('/c/') },
  { href: '/manager', label: 'Manager', icon: 'M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z', match: (p) => p.startsWith('/manager') },
  { href: '/deals', label: 'Deals', icon: 'M3 5h5v14H3zM10 5h5v9h-5zM17 5h4v6h-4z', match: (p) => p.startsWith('/deals') },
  { href: '/contacts', label: 'Contacts', icon: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1M17 4a4 4 0 0 1 0 7M22 21v-1a6 6 0 0 0-4-5.6', match: (p) => p.startsWith('/contacts') },
  { href: '/tasks', label: 'Tasks', icon: 'M4 4h16v16H4zM8 12l3 3 5-6', match: (p) => p.startsWith('/tasks') },
  {
    href: '/campaigns',
    label: 'Campaigns',
    short: 'Bulk',
    icon: 'M3 10v4h3l6 4V6L6 10zM16 9a3 3 0 0 1 0 6M19 6a7 7 0 0 1 0 12',
    staff: true,
    // Automation lives in this area (its tabs and a link from Settings): a ninth section fits neither the
    // phone tab bar nor the 1280 px top bar.
    match: (p) => p.startsWith('/campaigns') || p.startsWith('/templates') || p.startsWith('/automation'),
  },
  { href: '/reports', label: 'Reports', icon: 'M3 20h18M6 20v-8M11 20V5M16 20v-11', staff: true, match: (p) => p.startsWith('/reports') },
  { href: '/settings', label: 'Settings', icon: 'M4 7h9M17 7h3M15 5v4M4 12h3M11 12h9M9 10v4M4 17h11M19 17h1M17 15v4', staff: true, match: (p) => p.startsWith('/settings') },
];

/** Whether a role may see owner/admin screens (reports, settings). */
export const isStaff = (me: Me) => me.role === 'owner' || me.role === 'admin';

/**
 * The signed-in app's frame: sandbox banner, top bar and the main navigation — inline in the top bar on
 * wide screens, a bottom tab bar on phones (hidden while a conversation is open, like WhatsApp, so the
 * composer keeps its room). A missing session goes to sign-in and comes back afterwards.
 */
export function AppShell(props: { fill?: boolean; hideTabBar?: boolean; children: (me: Me) => JSX.Element }) {
  const navigate = useNavigate();
  const location = useLocation();
  const [me] = createResource(async () => {
    try {
      return await fetchMe();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
        return null;
      }
      throw err;
    }
  });
  const [status] = createResource(() => fetchSystemStatus().catch(() => null));

  const signOut = async () => {
    await disablePush().catch(() => undefined); // a shared device must not keep showing customer messages
    await logout().catch(() => undefined);
    navigate('/login', { replace: true });
  };

  return (
    <div class={`shell ${props.fill ? '' : 'scroll'} ${props.hideTabBar ? 'hide-tabbar' : ''}`}>
      <Show when={status.state === 'ready' && status()?.mode === 'sandbox'}>
        <div class="sandbox-banner" role="status">
          Sandbox: a simulator plays WhatsApp. <A href="/sandbox/phone">Open the customer phone</A> to write in as a customer.
        </div>
      </Show>
      <header class="topbar">
        <a href="/" class="brand">
          Parley
        </a>
        <Show when={me.state === 'ready' && me()}>
          {(user) => (
            <>
              <nav class={`main-nav ${NAV.filter((n) => !n.staff || isStaff(user())).length > 7 ? 'many' : ''}`} aria-label="Main">
                <For each={NAV.filter((n) => !n.staff || isStaff(user()))}>
                  {(n) => (
                    <a href={n.href} class={n.match(location.pathname) ? 'active' : ''} aria-current={n.match(location.pathname) ? 'page' : undefined} aria-label={n.short ? n.label : undefined}>
                      <svg class="nav-icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d={n.icon} />
                      </svg>
                      <span class={n.short ? 'nav-long' : undefined}>{n.label}</span>
                      <Show when={n.short}>
                        <span class="nav-short" aria-hidden="true">
                          {n.short}
                        </span>
                      </Show>
                    </a>
                  )}
                </For>
              </nav>
              <span class="topbar-user">
                {/* In-app notifications; the panel also turns on this device's push notifications. */}
                <NotificationBell />
                <span class="muted">{user().name}</span>
                <button type="button" onClick={signOut}>
                  Sign out
                </button>
              </span>
            </>
          )}
        </Show>
      </header>
      <Show when={me.state === 'errored'}>
        <p class="error page-error" role="alert">
          {me.error instanceof Error ? me.error.message : 'Could not load your account.'}
        </p>
      </Show>
      <Show when={me.state === 'ready' && me()}>{(user) => props.children(user())}</Show>
    </div>
  );
}

/** What an agent sees on an owner/admin screen. */
export function StaffOnly(props: { me: Me; what: string; children: JSX.Element }) {
  return (
    <Show when={isStaff(props.me)} fallback={<p class="muted page-error">Only owners and admins can see {props.what}.</p>}>
      {props.children}
    </Show>
  );
}
