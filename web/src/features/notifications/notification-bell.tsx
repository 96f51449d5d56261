import { useNavigate } from '@solidjs/router';
import { createSignal, For, onCleanup, Show } from 'solid-js';
import { onLive } from '../../lib/live';
import { enablePush, pushSupported } from '../../lib/push';
import { errorMessage } from '../../ui/action';
import { fetchNotifications, markNotificationsRead, type AppNotification } from './notifications.api';
import { agoText, badgeText } from './notifications.models';
import './notifications.css';

const BELL = 'M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0';

/**
 * The bell in the top bar: how many notifications are unread, and the newest in a panel. Clicking one
 * opens its conversation (or page) and marks it read. Kept current by the live stream; the panel also
 * offers this device's push notifications.
 */
export function NotificationBell() {
  const navigate = useNavigate();
  const [open, setOpen] = createSignal(false);
  const [items, setItems] = createSignal<AppNotification[] | null>(null);
  const [unread, setUnread] = createSignal(0);
  const [error, setError] = createSignal<string | null>(null);
  const [now, setNow] = createSignal(Date.now());
  const [pushState, setPushState] = createSignal<string | null>(null);
  // Phones: the panel spans the screen just under the bell (a sandbox banner may push the bar down).
  const [top, setTop] = createSignal<number | null>(null);
  let root!: HTMLDivElement;

  let loadedAt = 0;
  const load = async () => {
    loadedAt = Date.now();
    try {
      const r = await fetchNotifications();
      setItems(r.items);
      setUnread(r.unreadCount);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  void load();
  const markLocally = (ids: readonly string[] | null) => setItems((list) => list?.map((n) => (ids === null || ids.includes(n.id) ? { ...n, read: true } : n)) ?? null);
  onCleanup(
    onLive(['ready', 'notification.created', 'notification.read'], (type, data) => {
      // (Re)connected: catch up — unless this very load just did (the stream opens with the page).
      if (type === 'ready') return void (Date.now() - loadedAt > 2_000 && load());
      const d = data as (AppNotification & { unreadCount?: number }) & { ids?: string[] | null };
      if (typeof d?.unreadCount === 'number') setUnread(d.unreadCount);
      if (type === 'notification.created' && d?.id) {
        const { unreadCount: _count, ...n } = d;
        setItems((list) => [n as AppNotification, ...(list ?? []).filter((x) => x.id !== n.id)].slice(0, 30));
      } else if (type === 'notification.read') markLocally(d?.ids ?? null);
    }),
  );

  // Closes on a tap outside or Escape, like any menu.
  const outside = (e: PointerEvent) => open() && !root.contains(e.target as Node) && setOpen(false);
  const escape = (e: KeyboardEvent) => e.key === 'Escape' && open() && setOpen(false);
  document.addEventListener('pointerdown', outside);
  document.addEventListener('keydown', escape);
  onCleanup(() => (document.removeEventListener('pointerdown', outside), document.removeEventListener('keydown', escape)));

  const toggle = () => {
    setNow(Date.now());
    setTop(window.matchMedia('(max-width: 599px)').matches ? Math.round(root.getBoundingClientRect().bottom + 6) : null);
    if (!open()) void load();
    setOpen(!open());
  };
  const follow = (n: AppNotification, e: MouseEvent) => {
    e.preventDefault();
    setOpen(false);
    if (!n.read) {
      markLocally([n.id]);
      setUnread((u) => Math.max(0, u - 1));
      markNotificationsRead([n.id]).then((r) => setUnread(r.unreadCount), (err) => setError(errorMessage(err)));
    }
    if (n.link) navigate(n.link);
  };
  const markAll = () =>
    markNotificationsRead('all').then(
      (r) => (markLocally(null), setUnread(r.unreadCount)),
      (err) => setError(errorMessage(err)),
    );

  return (
    <div class="bell" ref={root}>
      <button type="button" class="icon bell-button" aria-label={unread() ? `Notifications (${unread()} unread)` : 'Notifications'} aria-expanded={open()} aria-haspopup="dialog" onClick={toggle}>
        <svg class="nav-icon" viewBox="0 0 24 24" aria-hidden="true">
          <path d={BELL} />
        </svg>
        <Show when={badgeText(unread())}>
          <span class="badge bell-badge" aria-hidden="true">
            {badgeText(unread())}
          </span>
        </Show>
      </button>
      <Show when={open()}>
        <div class="bell-panel" role="dialog" aria-label="Notifications" style={top() === null ? undefined : { top: `${top()}px` }}>
          <div class="bell-head">
            <strong>Notifications</strong>
            <Show when={unread() > 0}>
              <button type="button" class="link" onClick={markAll}>
                Mark all read
              </button>
            </Show>
          </div>
          <Show when={error()}>
            <p class="error small">{error()}</p>
          </Show>
          <ul class="plain bell-list">
            <For each={items() ?? []} fallback={<li class="bell-empty">{items() ? 'Nothing yet. Rules that notify you and tasks falling due show up here.' : 'Loading…'}</li>}>
              {(n) => (
                <li>
                  <a href={n.link ?? '#'} class={`bell-item ${n.read ? '' : 'unread'}`} onClick={(e) => follow(n, e)}>
                    <span class="bell-title">{n.title}</span>
                    <span class="bell-body">{n.body}</span>
                    <span class="bell-when">
                      {agoText(n.createdAt, now())}
                      {n.read ? '' : ' · unread'}
                    </span>
                  </a>
                </li>
              )}
            </For>
          </ul>
          <Show when={pushSupported() && Notification.permission === 'default' && pushState() !== 'on'}>
            <button type="button" class="link small" onClick={() => enablePush().then(() => setPushState('on'), (e: Error) => setPushState(e.message))}>
              Also notify me on this device
            </button>
          </Show>
          <Show when={pushState() && pushState() !== 'on'}>
            <p class="error small">{pushState()}</p>
          </Show>
        </div>
      </Show>
    </div>
  );
}
