import type { App, PageLifetime } from '../app.js';
import { api, ApiError, NotAvailableError } from '../api/backend.js';
import type { Group } from '../api/types.js';
import {
  folders,
  listFiles,
  recentFiles,
  ROLE_NAMES,
  searchFiles,
  shareWithGroup,
  type DriveFile,
  type Permission,
  type ShareRole,
} from '../google/drive.js';
import { debounce, empty, errorBox, formatDateTime, h, loading, mount } from '../ui/dom.js';
import { messageFor, mountWidget, type WidgetTools } from './frame.js';

export const DRIVE_RECENT = 8;
const GROUP_EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function driveWidget(app: App, lifetime: PageLifetime): HTMLElement {
  const base = app.config.googleApis.drive;
  return mountWidget<DriveFile[]>(app, lifetime, {
    integration: 'drive',
    description: 'Your recent files, a file search, and sharing a folder with a Google group.',
    load: (call) => listFiles(call, recentFiles(base, DRIVE_RECENT)),
    render: (recent, tools) => {
      const results = h('div', { 'aria-live': 'polite' }, fileList(recent, 'No recent files.'));
      const search = h('input', { id: 'drive-search', type: 'search', placeholder: 'Search your Drive by name', autocomplete: 'off' });
      const runSearch = debounce((text: string) => {
        if (!text.trim()) return mount(results, fileList(recent, 'No recent files.'));
        mount(results, loading('Searching…'));
        listFiles(tools.call, searchFiles(base, text, DRIVE_RECENT))
          .then((files) => mount(results, fileList(files, `No file name contains "${text.trim()}".`)))
          .catch((error: unknown) => mount(results, errorBox(messageFor(error))));
      }, 300);
      search.addEventListener('input', () => runSearch(search.value));
      return h(
        'div',
        {},
        h('label', { for: 'drive-search', class: 'visually-hidden' }, 'Search Drive'),
        search,
        results,
        shareForm(tools),
        h('button', { type: 'button', class: 'link-button', onclick: () => tools.refresh() }, 'Refresh'),
      );
    },
  });

  function shareForm(tools: WidgetTools): HTMLElement {
    const details = h('details', { class: 'more' }, h('summary', {}, 'Share a folder with a group'));
    const region = h('div', {});
    details.append(region);
    details.addEventListener('toggle', () => {
      if (!details.open || region.childElementCount > 0) return;
      mount(region, loading('Loading your folders…'));
      listFiles(tools.call, folders(base, 50))
        .then((list) => mount(region, list.length === 0 ? empty('You have no folders in Drive.') : form(list, tools)))
        .catch((error: unknown) => mount(region, errorBox(messageFor(error))));
    });
    return details;
  }

  function form(list: DriveFile[], tools: WidgetTools): HTMLElement {
    const folder = h(
      'select',
      { id: 'share-folder', name: 'folder', required: true },
      list.map((f) => h('option', { value: f.id }, f.name)),
    );
    const groupQuery = h('input', { id: 'share-group-search', type: 'search', autocomplete: 'off', placeholder: 'Type a group name' });
    const group = h('select', { id: 'share-group', name: 'group', required: true }, h('option', { value: '' }, 'Pick a group'));
    const manual = h('input', { id: 'share-group-email', type: 'email', autocomplete: 'off', placeholder: 'group@example.com' });
    const manualRow = h('div', { class: 'stack', hidden: true }, h('label', { for: 'share-group-email' }, 'Group email address'), manual);
    const groupHelp = h('p', { class: 'muted small', 'aria-live': 'polite' });
    const role = h(
      'select',
      { id: 'share-role', name: 'role' },
      (Object.entries(ROLE_NAMES) as Array<[ShareRole, string]>).map(([value, name]) => h('option', { value }, name)),
    );
    const status = h('div', { 'aria-live': 'polite' });

    // Every matching group, page after page (the API's nextCursor), so none is missing from the list.
    let search = 0;
    const findGroups = debounce((text: string) => {
      const ticket = ++search;
      let shown = 0;
      mount(group, h('option', { value: '' }, 'Pick a group'));
      const next = (cursor?: string): Promise<void> =>
        api.groups(text, cursor).then((page) => {
          if (ticket !== search) return;
          group.append(...page.items.map((g: Group) => h('option', { value: g.email }, `${g.name} (${g.email})`)));
          shown += page.items.length;
          const more = page.nextCursor ?? undefined;
          mount(
            groupHelp,
            shown === 0
              ? 'No group matches.'
              : `${shown} group${shown === 1 ? '' : 's'} from the directory${more ? '; loading more…' : '.'}`,
          );
          return more ? next(more) : undefined;
        });
      next().catch((error: unknown) => {
        if (ticket !== search) return;
        if (error instanceof NotAvailableError) {
          // The directory API is not deployed yet: type the group's address instead.
          manualRow.hidden = false;
          group.disabled = true;
          groupQuery.disabled = true;
          mount(groupHelp, 'The group directory is not available yet: type the group\u2019s email address instead.');
        } else mount(groupHelp, error instanceof ApiError ? error.message : 'Groups could not be loaded.');
      });
    }, 250);
    groupQuery.addEventListener('input', () => findGroups(groupQuery.value));
    findGroups('');

    const form = h(
      'form',
      { class: 'stack' },
      h('label', { for: 'share-folder' }, 'Folder'),
      folder,
      h('label', { for: 'share-group-search' }, 'Find a group'),
      groupQuery,
      h('label', { for: 'share-group' }, 'Group'),
      group,
      groupHelp,
      manualRow,
      h('label', { for: 'share-role' }, 'Access'),
      role,
      h('button', { type: 'submit' }, 'Share folder'),
      h('p', { class: 'muted small' }, 'Sharing asks Google for permission to manage your Drive sharing, only now.'),
      status,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const email = manualRow.hidden ? group.value : manual.value.trim();
      if (!GROUP_EMAIL.test(email)) return mount(status, errorBox('Pick a group to share with.'));
      const name = folder.selectedOptions[0]?.textContent ?? 'the folder';
      mount(status, h('p', { role: 'status' }, 'Sharing…'));
      tools
        .withFeature('drive.share', (call) => call<Permission>(shareWithGroup(base, folder.value, email, role.value as ShareRole)))
        .then((permission) =>
          mount(
            status,
            h(
              'p',
              { class: 'success', role: 'status' },
              `Shared "${name}" with ${permission.emailAddress ?? email} as ${ROLE_NAMES[permission.role as ShareRole] ?? permission.role}.`,
            ),
          ),
        )
        .catch((error: unknown) => mount(status, errorBox(messageFor(error))));
    });
    return form;
  }
}

function fileList(files: DriveFile[], emptyText: string): HTMLElement {
  if (files.length === 0) return empty(emptyText);
  return h(
    'ul',
    { class: 'list' },
    files.map((f) =>
      h(
        'li',
        {},
        f.webViewLink
          ? h('a', { href: f.webViewLink, target: '_blank', rel: 'noopener noreferrer', class: 'item-title' }, f.name)
          : h('span', { class: 'item-title' }, f.name),
        h('span', { class: 'muted' }, formatDateTime(f.modifiedTime)),
      ),
    ),
  );
}
