import { onCleanup, onMount, type JSX } from 'solid-js';

/**
 * A panel over the page: from the right on wide screens, the full screen on phones. Escape, the close
 * button and a tap on the shade close it; focus moves into it on open and back where it was on close.
 */
export function Drawer(props: { label: string; onClose: () => void; children: JSX.Element }) {
  let panel!: HTMLDivElement;
  const before = document.activeElement as HTMLElement | null;
  const key = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !e.defaultPrevented) props.onClose();
  };
  onMount(() => {
    window.addEventListener('keydown', key);
    panel.focus({ preventScroll: true });
  });
  onCleanup(() => {
    window.removeEventListener('keydown', key);
    if (before?.isConnected) before.focus({ preventScroll: true });
  });
  return (
    <div class="drawer-shade" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div ref={panel} class="drawer" role="dialog" aria-modal="true" aria-label={props.label} tabIndex={-1}>
        <button type="button" class="icon drawer-close" aria-label="Close" onClick={() => props.onClose()}>
          ✕
        </button>
        {props.children}
      </div>
    </div>
  );
}
