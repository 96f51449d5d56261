import type { JSX } from 'solid-js';

/** A coloured status pill: green for good, amber for attention, red for trouble, grey for unknown. */
export function ToneBadge(props: { tone: 'ok' | 'warn' | 'bad' | 'neutral' | 'info'; children: JSX.Element; title?: string }) {
  return (
    <span class={`tone-badge tone-${props.tone}`} title={props.title}>
      {props.children}
    </span>
  );
}
