import { createSignal, onCleanup } from 'solid-js';

export interface Rect {
  id: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The column under a point: one whose box contains it; null over gaps and outside the board. */
export function columnAt(x: number, y: number, rects: Rect[]): string | null {
  return rects.find((r) => x >= r.left && x < r.right && y >= r.top && y < r.bottom)?.id ?? null;
}

/**
 * How far to scroll the board per frame while a card is held near its left or right edge: 0 outside
 * the edge zones, ramping up to `max` pixels at (and past) the edge. Negative scrolls left.
 */
export function edgeScrollDelta(x: number, left: number, right: number, zone = 48, max = 18): number {
  if (right - left < zone * 3) zone = (right - left) / 3; // a narrow board keeps a middle where nothing scrolls
  if (x < left + zone) return -Math.round(max * Math.min(1, (left + zone - x) / zone));
  if (x > right - zone) return Math.round(max * Math.min(1, (x - (right - zone)) / zone));
  return 0;
}

/** Whether a press has moved far enough to be a drag rather than a tap or click. */
export const passedThreshold = (dx: number, dy: number, threshold: number) => dx * dx + dy * dy >= threshold * threshold;

const MOUSE_THRESHOLD = 6;
const TOUCH_THRESHOLD = 4;

/**
 * Drag and drop of cards between board columns with Pointer Events, so mouse, pen and touch all work
 * (HTML5 drag and drop does not fire on touch screens). Mouse drags start anywhere on a card; touch and
 * pen drags start from the card's handle, whose `touch-action: none` keeps the browser from panning,
 * while the rest of the card still scrolls the board. The held card follows the pointer as a floating
 * copy, the column under it is highlighted, the board scrolls near its edges, Escape cancels.
 * Columns are elements with `data-stage-id` inside the board element.
 */
export function createBoardDrag(opts: { board: () => HTMLElement | undefined; onDrop: (dealId: string, stageId: string) => void }) {
  const [drag, setDrag] = createSignal<{ dealId: string; over: string | null } | null>(null);
  let suppressClick = false;
  let stop: (() => void) | null = null;
  onCleanup(() => stop?.());

  const rects = (): Rect[] =>
    [...(opts.board()?.querySelectorAll<HTMLElement>('[data-stage-id]') ?? [])].map((el) => {
      const r = el.getBoundingClientRect();
      return { id: el.dataset.stageId!, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    });

  /** Call from a card's pointerdown; `fromHandle` when the press is on the drag handle. */
  const press = (e: PointerEvent, dealId: string, card: HTMLElement, fromHandle: boolean) => {
    if (stop || !e.isPrimary || e.button !== 0) return;
    if (e.pointerType !== 'mouse' && !fromHandle) return; // touch elsewhere on the card scrolls
    if ((e.target as Element).closest('select, input, button, textarea')) return;
    const target = e.currentTarget as HTMLElement;
    const start = { x: e.clientX, y: e.clientY };
    const threshold = e.pointerType === 'mouse' ? MOUSE_THRESHOLD : TOUCH_THRESHOLD;
    let last = start;
    let ghost: HTMLElement | null = null;
    let layer: HTMLElement | null = null;
    let offset = { x: 0, y: 0 };
    let frame = 0;

    const place = () => {
      if (!ghost) return;
      ghost.style.transform = `translate(${last.x - offset.x}px, ${last.y - offset.y}px)`;
      setDrag({ dealId, over: columnAt(last.x, last.y, rects()) });
    };
    const scrollLoop = () => {
      const board = opts.board();
      if (board && ghost) {
        const box = board.getBoundingClientRect();
        const dx = edgeScrollDelta(last.x, box.left, box.right);
        if (dx) {
          board.scrollLeft += dx;
          place();
        }
      }
      frame = requestAnimationFrame(scrollLoop);
    };
    const begin = () => {
      const box = card.getBoundingClientRect();
      offset = { x: start.x - box.left, y: start.y - box.top };
      ghost = card.cloneNode(true) as HTMLElement;
      ghost.classList.add('drag-ghost');
      ghost.setAttribute('aria-hidden', 'true');
      ghost.removeAttribute('data-testid');
      Object.assign(ghost.style, { width: `${box.width}px`, left: '0px', top: '0px' });
      // A clipping layer: a copy hanging past the screen edge must not widen the page (phones would zoom out).
      layer = document.createElement('div');
      layer.className = 'drag-layer';
      layer.append(ghost);
      document.body.append(layer);
      document.body.classList.add('board-dragging');
      // Capture (only once dragging: before that a click on the title link must still reach the link).
      target.setPointerCapture?.(e.pointerId);
      place();
      frame = requestAnimationFrame(scrollLoop);
    };
    const move = (ev: PointerEvent) => {
      if (ev.pointerId !== e.pointerId) return;
      last = { x: ev.clientX, y: ev.clientY };
      if (!ghost) {
        if (!passedThreshold(last.x - start.x, last.y - start.y, threshold)) return;
        begin();
      }
      ev.preventDefault();
      place();
    };
    const finish = (dropped: boolean) => {
      const over = drag()?.over ?? null;
      const wasDragging = !!ghost;
      stop?.();
      if (wasDragging) {
        suppressClick = true; // the click that follows the release is not a tap on the card
        setTimeout(() => (suppressClick = false), 0);
      }
      if (dropped && wasDragging && over) opts.onDrop(dealId, over);
    };
    const up = (ev: PointerEvent) => ev.pointerId === e.pointerId && finish(true);
    const cancel = (ev: PointerEvent) => ev.pointerId === e.pointerId && finish(false);
    const key = (ev: KeyboardEvent) => ev.key === 'Escape' && finish(false);
    stop = () => {
      cancelAnimationFrame(frame);
      layer?.remove();
      ghost = layer = null;
      document.body.classList.remove('board-dragging');
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', cancel);
      window.removeEventListener('keydown', key);
      if (target.hasPointerCapture?.(e.pointerId)) target.releasePointerCapture(e.pointerId);
      setDrag(null);
      stop = null;
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', cancel);
    window.addEventListener('keydown', key);
  };

  return {
    /** The deal being dragged and the column under it (null when no drag). */
    drag,
    press,
    /** True right after a drag ended: the card ignores that click. */
    swallowClick: () => suppressClick,
  };
}
