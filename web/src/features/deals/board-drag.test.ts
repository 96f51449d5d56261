import { describe, expect, it } from 'vitest';
import { columnAt, edgeScrollDelta, passedThreshold } from './board-drag';

describe('drag hit-testing', () => {
  const columns = [
    { id: 'new', left: 12, right: 272, top: 100, bottom: 700 },
    { id: 'won', left: 284, right: 544, top: 100, bottom: 700 },
  ];
  it('finds the column under the pointer, none over gaps or outside', () => {
    expect(columnAt(20, 150, columns)).toBe('new');
    expect(columnAt(271.9, 699, columns)).toBe('new');
    expect(columnAt(284, 100, columns)).toBe('won');
    expect(columnAt(278, 300, columns)).toBeNull(); // the gap between columns
    expect(columnAt(300, 90, columns)).toBeNull(); // above the board
    expect(columnAt(600, 300, columns)).toBeNull();
    expect(columnAt(300, 300, [])).toBeNull();
  });
  it('scrolls the board faster the closer the pointer gets to an edge', () => {
    expect(edgeScrollDelta(500, 0, 1000)).toBe(0);
    expect(edgeScrollDelta(24, 0, 1000)).toBe(-9);
    expect(edgeScrollDelta(0, 0, 1000)).toBe(-18);
    expect(edgeScrollDelta(-40, 0, 1000)).toBe(-18); // past the edge: full speed, not more
    expect(edgeScrollDelta(990, 0, 1000)).toBeGreaterThan(edgeScrollDelta(960, 0, 1000));
    expect(edgeScrollDelta(1000, 0, 1000)).toBe(18);
    // A narrow board keeps a dead zone in the middle.
    expect(edgeScrollDelta(50, 0, 100)).toBe(0);
    expect(edgeScrollDelta(5, 0, 100)).toBeLessThan(0);
  });
  it('tells a drag from a tap by distance', () => {
    expect(passedThreshold(3, 4, 6)).toBe(false);
    expect(passedThreshold(3, 4, 5)).toBe(true);
    expect(passedThreshold(-6, 0, 6)).toBe(true);
  });
});
