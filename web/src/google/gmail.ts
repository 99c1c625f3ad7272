/**
 * Mail widget calls, all under gmail.metadata: the unread count from labels.get(INBOX) (1 quota
 * unit) and the latest unread messages from messages.list by labelIds (never `q`, which Gmail
 * rejects under gmail.metadata) plus one metadata get per message, fetched in parallel.
 */
import { query, type ApiRequest, type Call } from './http.js';

export const METADATA_HEADERS = ['From', 'Subject', 'Date'] as const;

export function inboxLabel(base: string): ApiRequest {
  return { method: 'GET', url: `${base}users/me/labels/INBOX` };
}

export function unreadMessages(base: string, max: number): ApiRequest {
  return { method: 'GET', url: `${base}users/me/messages${query({ labelIds: ['INBOX', 'UNREAD'], maxResults: max })}` };
}

export function messageMetadata(base: string, id: string): ApiRequest {
  return {
    method: 'GET',
    url: `${base}users/me/messages/${encodeURIComponent(id)}${query({ format: 'metadata', metadataHeaders: METADATA_HEADERS })}`,
  };
}

interface Label {
  messagesUnread?: number;
}
interface MessageList {
  messages?: Array<{ id: string; threadId: string }>;
  resultSizeEstimate?: number;
}
interface Message {
  id: string;
  threadId: string;
  internalDate?: string;
  payload?: { headers?: Array<{ name: string; value: string }> };
}

export interface MailSummary {
  readonly id: string;
  readonly from: string;
  readonly subject: string;
  readonly date: Date | undefined;
  /** Opens the message in Gmail for this account. */
  readonly link: string;
}

export interface MailView {
  readonly unread: number;
  readonly latest: readonly MailSummary[];
}

/** "Ada Lovelace" <ada@example.com> → Ada Lovelace; a bare address stays as is. */
export function senderName(from: string): string {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  if (!match) return from.trim();
  return match[1]?.trim() || match[2]?.trim() || from.trim();
}

export function summarize(message: Message, account: string | undefined): MailSummary {
  const header = (name: string) => message.payload?.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
  const dateText = header('Date');
  const parsed = dateText ? new Date(dateText) : message.internalDate ? new Date(Number(message.internalDate)) : undefined;
  return {
    id: message.id,
    from: senderName(header('From') ?? '(unknown sender)'),
    subject: header('Subject')?.trim() || '(no subject)',
    date: parsed && !Number.isNaN(parsed.getTime()) ? parsed : undefined,
    link: `https://mail.google.com/mail/${query({ authuser: account })}#all/${encodeURIComponent(message.id)}`,
  };
}

/** Two rounds: the count and the id list together, then every message's headers together. */
export async function loadMail(call: Call, base: string, max: number, account?: string): Promise<MailView> {
  const [label, list] = await Promise.all([call<Label>(inboxLabel(base)), call<MessageList>(unreadMessages(base, max))]);
  const ids = (list.messages ?? []).slice(0, max).map((m) => m.id);
  const messages = await Promise.all(ids.map((id) => call<Message>(messageMetadata(base, id))));
  return { unread: label.messagesUnread ?? 0, latest: messages.map((m) => summarize(m, account)) };
}
