import { For, Match, Show, Switch } from 'solid-js';
import type { Message } from './inbox.api';
import { statusTicks } from './inbox.models';

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** One message: text, media, location or a labelled placeholder for types the shell does not draw yet. */
export function MessageBubble(props: { message: Message }) {
  const m = () => props.message;
  const ticks = () => statusTicks(m().status);
  return (
    <li class={`bubble ${m().direction}`} data-status={m().status} data-testid="message">
      <Switch fallback={<p class="muted">[{m().type}]</p>}>
        <Match when={m().revokedAt}>
          <p class="muted">This message was deleted.</p>
        </Match>
        <Match when={m().media}>
          {(media) => (
            <Show
              when={media().url && media().mimeType?.startsWith('image/')}
              fallback={<p class="muted">{media().state === 'failed' ? `Media unavailable: ${media().error}` : media().url ? <a href={media().url!}>{media().filename ?? 'Download'}</a> : 'Downloading…'}</p>}
            >
              <img src={media().url!} alt={m().text ?? 'Image'} loading="lazy" />
            </Show>
          )}
        </Match>
        <Match when={m().location}>
          {(loc) => (
            <a href={`https://www.openstreetmap.org/?mlat=${loc().latitude}&mlon=${loc().longitude}`} target="_blank" rel="noreferrer">
              📍 {loc().name ?? `${loc().latitude.toFixed(4)}, ${loc().longitude.toFixed(4)}`}
            </a>
          )}
        </Match>
        <Match when={m().type === 'unsupported'}>
          <p class="muted">Unsupported message{m().errors?.[0]?.details ? `: ${m().errors![0]!.details}` : ''}</p>
        </Match>
        <Match when={m().text !== null}>
          <span />
        </Match>
      </Switch>
      <Show when={m().text && !m().revokedAt}>
        <p class="text">{m().text}</p>
      </Show>
      <Show when={m().reactions.length}>
        <span class="reactions">
          <For each={m().reactions}>{(r) => <span>{r.emoji}</span>}</For>
        </span>
      </Show>
      <span class="meta">
        {time(m().timestamp)}
        <Show when={m().direction === 'outbound'}>
          <span class={`ticks ${ticks().read ? 'read' : ''}`} aria-label={ticks().label} title={ticks().label}>
            {ticks().text}
          </span>
        </Show>
      </span>
      <Show when={m().status === 'failed' && m().error}>
        {(err) => (
          <p class="error" role="alert">
            {err().explanation ?? err().title}
          </p>
        )}
      </Show>
    </li>
  );
}
