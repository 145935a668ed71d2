import { describe, expect, it } from 'vitest';
import { newCallId } from '../../src/recording/call-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newCallId', () => {
  it('is a version 7 UUID whose first 48 bits are the start time in ms', () => {
    // 2026-01-01T00:00:00Z is 1,767,225,600,000 ms = 0x019b76daa800.
    const id = newCallId(Date.UTC(2026, 0, 1));
    expect(id).toMatch(UUID_V7);
    expect(id.slice(0, 13)).toBe('019b76da-a800');
  });

  it('sorts later ids after earlier ones, and never repeats', () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => newCallId(1_767_225_600_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 100; i < ids.length; i += 100) expect(ids[i]! > ids[i - 1]!).toBe(true);
  });
});
