import { describe, expect, it } from 'vitest';
import { AVATAR_HUES, hueFor, initials } from '../../web/src/ui/avatar.js';

describe('initials avatars', () => {
  it('takes the first letters of the first and last names, whole characters only', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('Maria José da Silva')).toBe('MS');
    expect(initials('Élodie Nguyen')).toBe('ÉN');
    expect(initials('Zoë')).toBe('Z');
    expect(initials('𝒜nna Berg')).toBe('𝒜B');
    expect(initials('  ')).toBe('?');
  });

  it('gives one person the same colour every time, and spreads people over every colour', () => {
    expect(hueFor('104729384756')).toBe(hueFor('104729384756'));
    const hues = new Set(Array.from({ length: 200 }, (_, i) => hueFor(String(100_000_000_000 + i * 7919))));
    expect(hues.size).toBe(AVATAR_HUES);
    expect([...hues].every((hue) => Number.isInteger(hue) && hue >= 0 && hue < AVATAR_HUES)).toBe(true);
  });
});
