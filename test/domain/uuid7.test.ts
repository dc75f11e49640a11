import { describe, expect, it } from 'vitest';
import { uuid7 } from '../../src/domain/uuid7.js';

describe('uuid7', () => {
  it('makes version-7 UUIDs ordered by their time, unique within a millisecond', () => {
    const at = Date.UTC(2024, 5, 3, 6, 0, 0);
    const ids = [uuid7(at), uuid7(at), uuid7(at + 1), uuid7(at + 1000)];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(4);
    expect(ids[0]?.slice(0, 13)).toBe(ids[1]?.slice(0, 13));
    expect([...ids.slice(1)].sort()).toEqual(ids.slice(1));
    expect(Number.parseInt(ids[3]?.replace(/-/g, '').slice(0, 12) as string, 16)).toBe(at + 1000);
  });
});
