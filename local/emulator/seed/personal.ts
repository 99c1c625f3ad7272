/**
 * Per-user mail, Drive files and calendar events, generated on first access from (seed, user id)
 * and cached: a 100,000-user tenant costs nothing until someone opens a mailbox, and the same user
 * always sees the same data. The Gmail/Drive/Calendar routes serve these in Google's shapes.
 */
import { Random } from './random.js';
import type { DirectoryUserResource } from './model.js';

export interface Person {
  readonly name: string;
  readonly email: string;
}

export interface MailMessage {
  readonly id: string;
  readonly threadId: string;
  readonly labelIds: readonly string[];
  readonly from: Person;
  readonly to: readonly Person[];
  readonly subject: string;
  readonly snippet: string;
  readonly body: string;
  /** Epoch milliseconds. */
  readonly internalDate: number;
}

export interface DriveFile {
  readonly id: string;
  readonly name: string;
  readonly mimeType: string;
  readonly owner: Person;
  readonly modifiedTime: number;
  readonly viewedByMeTime: number;
  readonly size: number;
  readonly starred: boolean;
  readonly trashed: boolean;
  readonly sharedWith: readonly Person[];
}

export interface CalendarEvent {
  readonly id: string;
  readonly summary: string;
  readonly description: string;
  readonly location?: string;
  readonly organizer: Person;
  readonly attendees: readonly Person[];
  readonly start: number;
  readonly end: number;
  readonly hangoutLink?: string;
}

export interface PersonalData {
  readonly messages: readonly MailMessage[];
  readonly files: readonly DriveFile[];
  readonly events: readonly CalendarEvent[];
}

const SUBJECTS = [
  'Quarterly planning',
  'Lunch on Thursday?',
  'Re: Budget review',
  'Offsite agenda',
  'Welcome aboard!',
  'Café machine fixed',
  'Draft for review',
  'Sprint retro notes',
  'Reunião de equipa',
  'Prüfbericht',
];
const FILE_NAMES = [
  'Roadmap',
  'Budget',
  'Onboarding checklist',
  'Meeting notes',
  'Résumé template',
  'Design spec',
  'Retro board',
  'Hiring plan',
  'Straßenfest flyer',
];
const FILE_TYPES = [
  ['application/vnd.google-apps.document', ''],
  ['application/vnd.google-apps.spreadsheet', ''],
  ['application/vnd.google-apps.presentation', ''],
  ['application/pdf', '.pdf'],
] as const;
const EVENT_TITLES = ['1:1', 'Team sync', 'Design review', 'All hands', 'Coffee chat', 'Customer call', 'Planning poker', 'Focus time'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export class PersonalDataset {
  private readonly cache = new Map<string, PersonalData>();

  /**
   * @param colleagues who mail, share and invite: a stable list (e.g. the seeded live users).
   * @param anchor the day data is laid around (start of today, UTC, by default), so calendars stay current.
   */
  constructor(
    private readonly seed: string,
    private readonly colleagues: () => readonly DirectoryUserResource[],
    private readonly anchor: () => number = () => Math.floor(Date.now() / DAY) * DAY,
  ) {}

  for(user: DirectoryUserResource): PersonalData {
    let data = this.cache.get(user.id);
    if (!data) {
      data = this.generate(user);
      this.cache.set(user.id, data);
    }
    return data;
  }

  private generate(user: DirectoryUserResource): PersonalData {
    const random = new Random('personal', this.seed, user.id);
    const me = person(user);
    const others = this.colleagues();
    const someone = () => (others.length > 0 ? person(random.pick(others)) : me);
    const anchor = this.anchor();
    const messages: MailMessage[] = [];
    const messageCount = random.int(15, 40);
    for (let i = 0; i < messageCount; i++) {
      const id = random.hex(16);
      const subject = random.pick(SUBJECTS);
      const unread = random.chance(0.3);
      messages.push({
        id,
        threadId: random.chance(0.7) ? id : (messages[messages.length - 1]?.threadId ?? id),
        labelIds: ['INBOX', ...(unread ? ['UNREAD'] : []), ...(random.chance(0.1) ? ['IMPORTANT'] : [])],
        from: someone(),
        to: [me],
        subject,
        snippet: `${subject}: a short preview of the message…`,
        body: `Hello ${user.name.givenName},\n\n${subject}.\n\nBest regards`,
        internalDate: anchor - random.int(0, 30 * 24) * HOUR,
      });
    }
    messages.sort((a, b) => b.internalDate - a.internalDate);
    const files: DriveFile[] = [];
    const fileCount = random.int(10, 30);
    for (let i = 0; i < fileCount; i++) {
      const [mimeType, extension] = random.pick(FILE_TYPES);
      const modifiedTime = anchor - random.int(0, 90 * 24) * HOUR;
      files.push({
        id: random.hex(33),
        name: `${random.pick(FILE_NAMES)} ${i + 1}${extension}`,
        mimeType,
        owner: random.chance(0.7) ? me : someone(),
        modifiedTime,
        viewedByMeTime: modifiedTime + random.int(0, 48) * HOUR,
        size: random.int(2_000, 4_000_000),
        starred: random.chance(0.1),
        trashed: random.chance(0.05),
        sharedWith: random.chance(0.4) ? [someone()] : [],
      });
    }
    const events: CalendarEvent[] = [];
    const eventCount = random.int(8, 20);
    for (let i = 0; i < eventCount; i++) {
      const start = anchor + random.int(-3, 10) * DAY + random.int(8, 17) * HOUR;
      const withMeet = random.chance(0.6);
      events.push({
        id: random.hex(26),
        summary: random.pick(EVENT_TITLES),
        description: 'Agenda in the doc.',
        ...(withMeet
          ? { hangoutLink: `https://meet.google.com/${random.hex(3)}-${random.hex(4)}-${random.hex(3)}` }
          : { location: 'Room Ümläut' }),
        organizer: random.chance(0.5) ? me : someone(),
        attendees: [me, someone(), someone()],
        start,
        end: start + random.pick([30, 45, 60]) * 60_000,
      });
    }
    events.sort((a, b) => a.start - b.start);
    return { messages, files, events };
  }
}

function person(user: DirectoryUserResource): Person {
  return { name: user.name.fullName, email: user.primaryEmail };
}
