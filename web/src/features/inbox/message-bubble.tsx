import { For, Match, Show, Switch } from 'solid-js';
import type { Message } from './inbox.api';
import { formatSize, mediaPlaceholder, statusTicks } from './inbox.models';

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** The body of a message, by type. Anything Parley does not draw yet still shows its type. */
function Body(props: { m: Message }) {
  const m = () => props.m;
  return (
    <Switch fallback={<p class="muted">[{m().type}]</p>}>
      <Match when={m().revokedAt}>
        <p class="muted">This message was deleted.</p>
      </Match>
      <Match when={m().media}>
        {(media) => (
          <Switch fallback={<p class={`muted media-${media().state}`}>{mediaPlaceholder(media())}</p>}>
            <Match when={media().url && (m().type === 'image' || m().type === 'sticker')}>
              <img src={media().url!} alt={m().text ?? m().type} loading="lazy" class={m().type === 'sticker' ? 'sticker' : ''} />
            </Match>
            <Match when={media().url && m().type === 'video'}>
              <video src={media().url!} controls preload="metadata" />
            </Match>
            <Match when={media().url && m().type === 'audio'}>
              <audio src={media().url!} controls preload="metadata" />
            </Match>
            <Match when={media().url}>
              <a class="document" href={media().url!} download={media().filename ?? undefined}>
                📄 {media().filename ?? 'Document'} <span class="muted small">{formatSize(media().size)}</span>
              </a>
            </Match>
          </Switch>
        )}
      </Match>
      <Match when={m().location}>
        {(loc) => (
          <a class="card-link" href={`https://www.openstreetmap.org/?mlat=${loc().latitude}&mlon=${loc().longitude}#map=16/${loc().latitude}/${loc().longitude}`} target="_blank" rel="noreferrer">
            📍 <strong>{loc().name ?? 'Location'}</strong>
            <span class="muted small">{loc().address ?? `${loc().latitude.toFixed(5)}, ${loc().longitude.toFixed(5)}`}</span>
          </a>
        )}
      </Match>
      <Match when={m().contacts}>
        {(cards) => (
          <For each={cards()}>
            {(card) => (
              <p>
                👤 {card.name?.formatted_name ?? 'Contact'} <span class="muted small">{card.phones?.[0]?.phone ?? ''}</span>
              </p>
            )}
          </For>
        )}
      </Match>
      <Match when={m().order}>
        {(order) => (
          <div class="order">
            <strong>🛒 Order · {order().items.length} item(s)</strong>
            <For each={order().items}>{(i) => <span class="small">{i.quantity} × {i.productRetailerId}</span>}</For>
            <span>
              Total {order().total} {order().currency ?? ''}
            </span>
          </div>
        )}
      </Match>
      <Match when={m().type === 'unsupported'}>
        <p class="muted">Unsupported message{m().errors?.[0]?.details ? `: ${m().errors![0]!.details}` : ''}</p>
      </Match>
      <Match when={m().type === 'template' && m().template}>
        <p class="muted small">Template · {m().template!.name}</p>
      </Match>
      <Match when={m().text !== null}>
        <span />
      </Match>
    </Switch>
  );
}

/** One message bubble: quote, forwarded mark, ad referral, body, text, reactions, time and ticks. */
const QUICK_REACTIONS = ['👍', '❤️', '🙏'];

export function MessageBubble(props: {
  message: Message;
  quoted?: Message;
  onRetry?: (m: Message) => void;
  onReply?: (m: Message) => void;
  onReact?: (m: Message, emoji: string) => void;
}) {
  const m = () => props.message;
  const ticks = () => statusTicks(m().status);
  return (
    <li class={`bubble ${m().direction}`} data-status={m().status} data-testid="message">
      <Show when={m().frequentlyForwarded || m().forwarded}>
        <p class="muted small">↪ {m().frequentlyForwarded ? 'Forwarded many times' : 'Forwarded'}</p>
      </Show>
      <Show when={props.quoted}>{(q) => <blockquote class="quote">{q().text ?? `[${q().type}]`}</blockquote>}</Show>
      <Show when={m().referral}>
        {(r) => (
          <div class="referral">
            <span class="small muted">From an ad{r().headline ? ` · ${r().headline}` : ''}</span>
            <Show when={r().body}>
              <span class="small">{r().body}</span>
            </Show>
          </div>
        )}
      </Show>
      <Body m={m()} />
      <Show when={m().text && !m().revokedAt && m().type !== 'template'}>
        <p class="text">{m().text}</p>
      </Show>
      <Show when={m().reactions.length}>
        <span class="reactions">
          <For each={m().reactions}>{(r) => <span>{r.emoji}</span>}</For>
        </span>
      </Show>
      <span class="meta">
        <Show when={m().editedAt}>edited · </Show>
        {time(m().timestamp)}
        <Show when={m().direction === 'outbound'}>
          <span class={`ticks ${ticks().read ? 'read' : ''}`} aria-label={ticks().label} title={ticks().label}>
            {ticks().text}
          </span>
        </Show>
      </span>
      <Show when={m().waMessageId && !m().revokedAt && m().type !== 'reaction' && (props.onReply || props.onReact)}>
        <span class="bubble-actions">
          <Show when={props.onReply}>
            <button type="button" class="link" aria-label="Reply to this message" onClick={() => props.onReply?.(m())}>
              ↩
            </button>
          </Show>
          <Show when={props.onReact}>
            <For each={QUICK_REACTIONS}>
              {(emoji) => (
                <button type="button" class="link" aria-label={`React ${emoji}`} onClick={() => props.onReact?.(m(), emoji)}>
                  {emoji}
                </button>
              )}
            </For>
          </Show>
        </span>
      </Show>
      <Show when={m().status === 'failed' && m().error}>
        {(err) => (
          <p class="error" role="alert">
            {err().explanation ?? err().title}{' '}
            <Show when={props.onRetry}>
              <button type="button" class="link" onClick={() => props.onRetry?.(m())}>
                Retry
              </button>
            </Show>
          </p>
        )}
      </Show>
    </li>
  );
}
