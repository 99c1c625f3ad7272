import { ApiError } from '../api/backend.js';
import type { Page } from '../api/types.js';
import { empty, errorBox, h, mount } from './dom.js';

/** A list from the intranet API's `{items, nextCursor}` pages, with "Show more" while there is a next page. */
export function pagedList<T>(
  first: Page<T>,
  more: (cursor: string) => Promise<Page<T>>,
  item: (value: T) => HTMLElement,
  emptyText: string,
): HTMLElement {
  if (first.items.length === 0) return empty(emptyText);
  const list = h('ul', { class: 'list' }, first.items.map(item));
  const footer = h('div', { 'aria-live': 'polite' });
  let cursor = first.nextCursor ?? undefined;
  const button = h('button', { type: 'button', class: 'link-button' }, 'Show more');
  const showFooter = () => mount(footer, cursor ? button : null);
  button.addEventListener('click', () => {
    if (!cursor) return;
    button.disabled = true;
    more(cursor)
      .then((page) => {
        list.append(...page.items.map(item));
        cursor = page.nextCursor ?? undefined;
        showFooter();
      })
      .catch((error: unknown) =>
        mount(footer, errorBox(error instanceof ApiError ? error.message : 'More could not be loaded. Try again.'), button),
      )
      .finally(() => {
        button.disabled = false;
      });
  });
  showFooter();
  return h('div', {}, list, footer);
}
