/**
 * A person's avatar: their photo when the directory has one, else (or when the photo fails to
 * load) their initials on a colour derived from their immutable id, so a person keeps one colour
 * everywhere and no page shows a broken image.
 */
import { h } from './dom.js';

export const AVATAR_HUES = 8;

export interface AvatarPerson {
  readonly id: string;
  readonly name: { readonly fullName: string };
  readonly photoUrl?: string | null;
}

export function avatar(person: AvatarPerson, size: 'large' | 'small' = 'large'): HTMLElement {
  const fallback = () => initialsAvatar(person, size);
  if (!person.photoUrl) return fallback();
  const pixels = size === 'large' ? 96 : 36;
  const image = h('img', {
    src: person.photoUrl,
    alt: '',
    width: pixels,
    height: pixels,
    class: `avatar${size === 'small' ? ' small' : ''}`,
    loading: 'lazy',
    referrerpolicy: 'no-referrer',
  });
  image.addEventListener('error', () => image.replaceWith(fallback()), { once: true });
  return image;
}

function initialsAvatar(person: AvatarPerson, size: 'large' | 'small'): HTMLElement {
  return h(
    'div',
    { class: `avatar initials hue-${hueFor(person.id)}${size === 'small' ? ' small' : ''}`, 'aria-hidden': 'true' },
    initials(person.name.fullName),
  );
}

/** FNV-1a over the id: the same person gets the same colour on every page and visit. */
export function hueFor(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % AVATAR_HUES;
}

export function initials(name: string): string {
  const letters = name
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => Array.from(part)[0]?.toUpperCase() ?? '');
  return letters.length > 1 ? letters[0]! + letters.at(-1)! : (letters[0] ?? '?');
}
