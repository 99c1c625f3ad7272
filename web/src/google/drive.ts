/**
 * Drive widget calls: recent files and a name search (drive.readonly), folders for the share
 * picker, and sharing a folder with a group (permissions.create, which needs `drive`).
 */
import { query, type ApiRequest, type Call } from './http.js';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';
const FILE_FIELDS = 'files(id,name,mimeType,webViewLink,iconLink,modifiedTime)';

/** A string literal for Drive's q language: single quotes, with \ and ' escaped by a backslash. */
export function driveString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The files changed last, newest first ("recency" would mix in files the user only opened). */
export function recentFiles(base: string, pageSize: number): ApiRequest {
  return {
    method: 'GET',
    url: `${base}files${query({ q: 'trashed = false', orderBy: 'modifiedTime desc', pageSize, fields: FILE_FIELDS })}`,
  };
}

export function searchFiles(base: string, text: string, pageSize: number): ApiRequest {
  return {
    method: 'GET',
    url: `${base}files${query({ q: `name contains ${driveString(text.trim())} and trashed = false`, orderBy: 'recency desc', pageSize, fields: FILE_FIELDS })}`,
  };
}

export function folders(base: string, pageSize: number): ApiRequest {
  return {
    method: 'GET',
    url: `${base}files${query({ q: `mimeType = ${driveString(FOLDER_MIME)} and trashed = false`, orderBy: 'recency desc', pageSize, fields: FILE_FIELDS })}`,
  };
}

export type ShareRole = 'reader' | 'commenter' | 'writer';

/** The words Google's own share dialog uses for each role. */
export const ROLE_NAMES: Readonly<Record<ShareRole, string>> = { reader: 'Viewer', commenter: 'Commenter', writer: 'Editor' };

export function shareWithGroup(base: string, fileId: string, groupEmail: string, role: ShareRole): ApiRequest {
  return {
    method: 'POST',
    url: `${base}files/${encodeURIComponent(fileId)}/permissions${query({ sendNotificationEmail: false, fields: 'id,type,role,emailAddress' })}`,
    body: { type: 'group', role, emailAddress: groupEmail },
  };
}

export interface DriveFile {
  readonly id: string;
  readonly name: string;
  readonly mimeType: string;
  readonly webViewLink?: string;
  readonly iconLink?: string;
  readonly modifiedTime?: string;
}

export interface Permission {
  readonly id: string;
  readonly type: string;
  readonly role: string;
  readonly emailAddress?: string;
}

export async function listFiles(call: Call, request: ApiRequest): Promise<DriveFile[]> {
  return (await call<{ files?: DriveFile[] }>(request)).files ?? [];
}
