import { For, Match, Show, Switch } from 'solid-js';
import { mediaContentHref } from './templates.api';
import type { Bubble, Segment } from './templates.models';

const MEDIA_ICON = { image: '🖼', video: '🎬', document: '📄', location: '📍' } as const;

function Formatted(props: { segments: Segment[] }) {
  return (
    <For each={props.segments}>
      {(s) => (
        <Switch fallback={s.text}>
          <Match when={s.mono}>
            <code>{s.text}</code>
          </Match>
          <Match when={s.bold}>
            <strong>{s.text}</strong>
          </Match>
          <Match when={s.italic}>
            <em>{s.text}</em>
          </Match>
          <Match when={s.strike}>
            <s>{s.text}</s>
          </Match>
        </Switch>
      )}
    </For>
  );
}

/** A template message drawn like WhatsApp draws it on the customer's phone: header, body, footer, buttons. */
export function TemplateBubble(props: { bubble: Bubble; label?: string }) {
  const b = () => props.bubble;
  const headerText = () => {
    const h = b().header;
    return h?.kind === 'text' ? h.text : null;
  };
  const headerMedia = () => {
    const h = b().header;
    return h && h.kind !== 'text' ? h : null;
  };
  return (
    <div class="wa-chat" role="figure" aria-label={props.label ?? 'Message preview'} data-testid="template-preview">
      <div class="wa-bubble">
        <Show when={headerText()}>{(t) => <p class="wa-header-text">{t()}</p>}</Show>
        <Show when={headerMedia()}>
          {(m) => (
            <div class="wa-media" role="img" aria-label={`Header ${m().kind}`}>
              <Show
                when={m().kind === 'image' && m().mediaId}
                fallback={
                  <>
                    <span class="wa-media-icon" aria-hidden="true">
                      {MEDIA_ICON[m().kind]}
                    </span>
                    <Show when={!m().mediaId && m().kind !== 'location'}>
                      <span class="small">No {m().kind} chosen yet</span>
                    </Show>
                  </>
                }
              >
                {(id) => <img src={mediaContentHref(id())} alt="" />}
              </Show>
            </div>
          )}
        </Show>
        <p class="wa-body">
          <Formatted segments={b().body} />
        </p>
        <Show when={b().footer}>
          <p class="wa-footer">{b().footer}</p>
        </Show>
        <span class="wa-time" aria-hidden="true">
          {new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
        </span>
      </div>
      <Show when={b().buttons.length}>
        <ul class="wa-buttons" aria-label="Buttons">
          <For each={b().buttons}>
            {(btn) => (
              <li class="wa-button" title={btn.url}>
                <span aria-hidden="true">{btn.icon}</span> {btn.text}
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
