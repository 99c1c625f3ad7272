/**
 * The Gmail API methods the web client uses, as gmail.googleapis.com answers them: labels.list and
 * labels.get (with counts), messages.list by labelIds, messages.get in every format. Under a token
 * carrying gmail.metadata, `q` and format=full/raw are refused with 403 even when a broader Gmail
 * scope is also granted — Google's behaviour, which clients must design around.
 */
import type { EmulatorContext, EmulatorModule } from '../module.js';
import { GoogleApiError, json, type EmulatorRequest, type EmulatorRoute } from '../http.js';
import { maxResults, page } from '../directory/paging.js';
import { callerFor, isSelf, type Caller } from '../personal/caller.js';
import type { MailMessage, Person } from '../seed/personal.js';

const AUTH = 'https://www.googleapis.com/auth/';
export const GMAIL_SCOPES = {
  full: 'https://mail.google.com/',
  modify: `${AUTH}gmail.modify`,
  readonly: `${AUTH}gmail.readonly`,
  metadata: `${AUTH}gmail.metadata`,
  labels: `${AUTH}gmail.labels`,
} as const;

const READ_MESSAGES = [GMAIL_SCOPES.full, GMAIL_SCOPES.modify, GMAIL_SCOPES.readonly, GMAIL_SCOPES.metadata];
const READ_LABELS = [...READ_MESSAGES, GMAIL_SCOPES.labels];
const BASE = '/gmail/v1/users/{userId}';

/** Gmail's system labels, in the order labels.list returns them. */
const SYSTEM_LABELS = [
  'CHAT',
  'SENT',
  'INBOX',
  'IMPORTANT',
  'TRASH',
  'DRAFT',
  'SPAM',
  'CATEGORY_FORUMS',
  'CATEGORY_UPDATES',
  'CATEGORY_PERSONAL',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_SOCIAL',
  'STARRED',
  'UNREAD',
];
const HIDDEN_IN_LIST = new Set(['SENT', 'INBOX', 'IMPORTANT', 'TRASH', 'DRAFT', 'SPAM', 'STARRED', 'UNREAD', 'CHAT']);

export function gmailRoutes(context: EmulatorContext): EmulatorRoute[] {
  const as =
    (scopes: readonly string[], handler: (caller: Caller, request: EmulatorRequest) => ReturnType<EmulatorRoute['handler']>) =>
    (request: EmulatorRequest) => {
      const caller = callerFor(context, request, scopes);
      if (!isSelf(request.params.userId ?? '', caller.user)) {
        throw new GoogleApiError(403, 'forbidden', `Delegation denied for ${caller.user.primaryEmail}`);
      }
      return handler(caller, request);
    };
  return [
    { method: 'GET', path: `${BASE}/labels`, name: 'gmail.users.labels.list', handler: as(READ_LABELS, listLabels) },
    { method: 'GET', path: `${BASE}/labels/{id}`, name: 'gmail.users.labels.get', handler: as(READ_LABELS, getLabel) },
    { method: 'GET', path: `${BASE}/messages`, name: 'gmail.users.messages.list', handler: as(READ_MESSAGES, listMessages) },
    { method: 'GET', path: `${BASE}/messages/{id}`, name: 'gmail.users.messages.get', handler: as(READ_MESSAGES, getMessage) },
  ];
}

function label(id: string, messages: readonly MailMessage[], withCounts: boolean) {
  const tagged = messages.filter((m) => m.labelIds.includes(id));
  const unread = tagged.filter((m) => m.labelIds.includes('UNREAD'));
  return {
    id,
    name: id,
    type: 'system',
    ...(HIDDEN_IN_LIST.has(id) ? {} : { messageListVisibility: 'hide', labelListVisibility: 'labelHide' }),
    ...(withCounts
      ? {
          messagesTotal: tagged.length,
          messagesUnread: unread.length,
          threadsTotal: new Set(tagged.map((m) => m.threadId)).size,
          threadsUnread: new Set(unread.map((m) => m.threadId)).size,
        }
      : {}),
  };
}

function listLabels(caller: Caller) {
  return json(200, { labels: SYSTEM_LABELS.map((id) => label(id, caller.data.messages, false)) });
}

function getLabel(caller: Caller, request: EmulatorRequest) {
  const id = request.params.id ?? '';
  if (!SYSTEM_LABELS.includes(id)) throw new GoogleApiError(404, 'notFound', 'Requested entity was not found.');
  return json(200, label(id, caller.data.messages, true));
}

function refuseUnderMetadata(caller: Caller, what: string): void {
  if (caller.scopes.includes(GMAIL_SCOPES.metadata)) throw new GoogleApiError(403, 'forbidden', what);
}

function listMessages(caller: Caller, request: EmulatorRequest) {
  const { query } = request;
  if (query.has('q')) refuseUnderMetadata(caller, "Metadata scope does not support 'q' parameter");
  const search = searchFilter(query.get('q') ?? '');
  const size = maxResults(query, 500, 100);
  const labelIds = query.getAll('labelIds');
  const includeSpamTrash = query.get('includeSpamTrash') === 'true';
  const matching = caller.data.messages.filter(
    (m) =>
      labelIds.every((l) => m.labelIds.includes(l)) &&
      search(m) &&
      (includeSpamTrash || (!m.labelIds.includes('SPAM') && !m.labelIds.includes('TRASH'))),
  );
  const result = page(
    matching,
    size,
    query.get('pageToken'),
    `gmail:${caller.user.id}:${labelIds.join(',')}:${includeSpamTrash}:${query.get('q') ?? ''}`,
  );
  return json(200, {
    ...(result.items.length > 0 ? { messages: result.items.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}),
    ...(result.nextPageToken ? { nextPageToken: result.nextPageToken } : {}),
    resultSizeEstimate: matching.length,
  });
}

/**
 * A subset of Gmail's search language: is:unread|read|starred|important, in:/label:NAME, from:ADDR,
 * and plain words matched against subject and snippet (all terms must match).
 */
function searchFilter(q: string): (m: MailMessage) => boolean {
  const tests = q
    .split(/\s+/)
    .filter(Boolean)
    .map((term): ((m: MailMessage) => boolean) => {
      const [op, ...rest] = term.split(':');
      const value = rest.join(':').toLowerCase();
      if (rest.length === 0) return (m) => `${m.subject} ${m.snippet}`.toLowerCase().includes(term.toLowerCase());
      switch (op?.toLowerCase()) {
        case 'is':
          return value === 'read' ? (m) => !m.labelIds.includes('UNREAD') : (m) => m.labelIds.includes(value.toUpperCase());
        case 'in':
        case 'label':
          return (m) => m.labelIds.includes(value.toUpperCase());
        case 'from':
          return (m) => m.from.email.toLowerCase().includes(value) || m.from.name.toLowerCase().includes(value);
        default:
          throw new GoogleApiError(400, 'invalidArgument', `Invalid search query: unsupported operator ${op}:`);
      }
    });
  return (m) => tests.every((test) => test(m));
}

const FORMATS = ['minimal', 'full', 'raw', 'metadata'] as const;

function getMessage(caller: Caller, request: EmulatorRequest) {
  const raw = (request.query.get('format') ?? 'full').toLowerCase();
  const format = FORMATS.find((f) => f === raw);
  if (!format)
    throw new GoogleApiError(
      400,
      'invalidArgument',
      `Invalid value at 'format' (type.googleapis.com/google.apps.gmail.v1.Format), "${raw}"`,
    );
  if (format === 'full' || format === 'raw') refuseUnderMetadata(caller, `Metadata scope doesn't allow format ${format.toUpperCase()}`);
  const message = caller.data.messages.find((m) => m.id === request.params.id);
  if (!message) throw new GoogleApiError(404, 'notFound', 'Requested entity was not found.');
  const base = {
    id: message.id,
    threadId: message.threadId,
    labelIds: message.labelIds,
    snippet: message.snippet,
    sizeEstimate: message.body.length + 600,
    historyId: historyId(caller.data.messages, message),
    internalDate: String(message.internalDate),
  };
  if (format === 'minimal') return json(200, base);
  const headers = messageHeaders(message);
  if (format === 'raw') {
    const mime = `${headers.map((h) => `${h.name}: ${h.value}`).join('\r\n')}\r\n\r\n${message.body}`;
    return json(200, { ...base, raw: Buffer.from(mime).toString('base64url') });
  }
  if (format === 'metadata') {
    const wanted = request.query.getAll('metadataHeaders').map((h) => h.toLowerCase());
    const kept = wanted.length === 0 ? headers : headers.filter((h) => wanted.includes(h.name.toLowerCase()));
    return json(200, { ...base, payload: { mimeType: 'text/plain', headers: kept } });
  }
  return json(200, {
    ...base,
    payload: {
      partId: '',
      mimeType: 'text/plain',
      filename: '',
      headers,
      body: { size: Buffer.byteLength(message.body), data: Buffer.from(message.body).toString('base64url') },
    },
  });
}

/**
 * A mailbox's history id grows with every change; each message carries the id of the change that
 * last touched it. The seeded mailbox changed once per arriving message (messages are newest
 * first), so a later message always has the larger id, as Gmail's incremental sync relies on.
 */
function historyId(messages: readonly MailMessage[], message: MailMessage): string {
  return String(HISTORY_BASE + messages.length - messages.indexOf(message));
}

const HISTORY_BASE = 100_000;

function address(person: Person): string {
  return `"${person.name.replace(/"/g, '')}" <${person.email}>`;
}

function messageHeaders(message: MailMessage): Array<{ name: string; value: string }> {
  return [
    { name: 'From', value: address(message.from) },
    { name: 'To', value: message.to.map(address).join(', ') },
    { name: 'Subject', value: message.subject },
    { name: 'Date', value: new Date(message.internalDate).toUTCString().replace('GMT', '+0000') },
    { name: 'Message-ID', value: `<${message.id}@mail.example.com>` },
    { name: 'Content-Type', value: 'text/plain; charset="UTF-8"' },
  ];
}

export const gmailModule: EmulatorModule = { name: 'gmail', routes: gmailRoutes };
