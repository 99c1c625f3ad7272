/**
 * The deterministic directory generator: the same (seed, users, groups) always gives the same
 * tenant, ids included. Built to create 100,000 users and 20,000 groups in seconds: one pass per
 * collection, no quadratic lookups.
 */
import { Random } from './random.js';
import type {
  DirectoryData,
  DirectoryGroupResource,
  DirectoryMemberResource,
  DirectorySchemaResource,
  DirectoryUserResource,
  MemberRole,
} from './model.js';
import { groupMember, SHARED_CONTACT_FIELDS, userMember } from './model.js';
import { BUILDINGS, DEPARTMENTS, FAMILY_NAMES, GIVEN_NAMES, TEAM_WORDS, TITLES, emailLocalPart } from './vocabulary.js';

export const PRIMARY_DOMAIN = 'example.com';
export const SECONDARY_DOMAIN = 'example.org';
export const EXTERNAL_DOMAIN = 'partner.example.net';
export const ADMIN_EMAIL = `ada@${PRIMARY_DOMAIN}`;
export const EMPLOYMENT_SCHEMA = 'Employment';

export interface SeedOptions {
  readonly seed: string;
  readonly users: number;
  readonly groups: number;
}

export const DEMO_SEED: SeedOptions = { seed: 'workspace-bridge', users: 200, groups: 30 };

/** The seeded instant all timestamps derive from, so output does not depend on the clock. */
const EPOCH = Date.UTC(2024, 0, 15);
const DAY = 86_400_000;

export function generateDirectory(options: SeedOptions): DirectoryData {
  if (!Number.isInteger(options.users) || options.users < 1) throw new Error('The emulator needs at least one user (the admin).');
  if (!Number.isInteger(options.groups) || options.groups < 0) throw new Error('The group count must be a non-negative integer.');
  const random = new Random('directory', options.seed);
  const ids = new UniqueIds(random);
  const customerId = `C0${random.hex(7)}`;
  const users = generateUsers(options.users, random, ids, customerId);
  const { groups, members } = generateGroups(options.groups, users, random, ids, customerId);
  return {
    customerId,
    primaryDomain: PRIMARY_DOMAIN,
    domains: [PRIMARY_DOMAIN, SECONDARY_DOMAIN].map((domainName, i) => ({
      kind: 'admin#directory#domain',
      etag: etag(random),
      domainName,
      isPrimary: i === 0,
      verified: true,
      creationTime: String(EPOCH - 900 * DAY),
    })),
    schemas: [employmentSchema(random)],
    users,
    groups,
    members,
    adminEmail: ADMIN_EMAIL,
    // The second domain keeps phone numbers and desk locations among admins: what employees see differs by domain.
    sharedContactFields: { [SECONDARY_DOMAIN]: SHARED_CONTACT_FIELDS.filter((f) => f !== 'phones' && f !== 'locations') },
  };
}

/** A quoted opaque etag in Google's style. */
export function etag(random: Random): string {
  return `"${random.hex(16)}/${random.hex(8)}"`;
}

class UniqueIds {
  private readonly seen = new Set<string>();
  constructor(private readonly random: Random) {}

  /** Directory user ids: 21 decimal digits, like Google's (the same value as the ID token `sub`). */
  user(): string {
    return this.unique(() => `1${this.random.digits(20)}`);
  }

  /** Group ids look like `03x1abcd2ef3ghi`: 15 lower-case alphanumerics starting with 0. */
  group(): string {
    return this.unique(() => `0${this.random.hex(14)}`);
  }

  private unique(make: () => string): string {
    for (;;) {
      const id = make();
      if (!this.seen.has(id)) {
        this.seen.add(id);
        return id;
      }
    }
  }
}

function generateUsers(count: number, random: Random, ids: UniqueIds, customerId: string): DirectoryUserResource[] {
  const users: DirectoryUserResource[] = [];
  const taken = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const isAdmin = i === 0;
    const givenName = isAdmin ? 'Ada' : random.pick(GIVEN_NAMES);
    const familyName = isAdmin ? 'Lovelace' : random.pick(FAMILY_NAMES);
    const domain = !isAdmin && random.chance(0.15) ? SECONDARY_DOMAIN : PRIMARY_DOMAIN;
    const base = isAdmin ? 'ada' : emailLocalPart(givenName, familyName);
    const n = taken.get(`${base}@${domain}`) ?? 0;
    taken.set(`${base}@${domain}`, n + 1);
    const primaryEmail = `${n === 0 ? base : `${base}${n + 1}`}@${domain}`;
    const department = isAdmin ? 'Operations' : random.pick(DEPARTMENTS);
    const building = random.pick(BUILDINGS);
    const id = ids.user();
    const manager = i === 0 ? undefined : users[Math.floor((i - 1) / 7)];
    const aliases = random.chance(0.2) ? [`${emailLocalPart(givenName)}.${random.int(1, 99)}@${domain}`] : undefined;
    const suspended = !isAdmin && random.chance(0.03);
    // Every user has every member (absent ones undefined, which JSON omits): one object shape, fast to serialise.
    const user: DirectoryUserResource = {
      kind: 'admin#directory#user',
      id,
      etag: etag(random),
      primaryEmail,
      name: { givenName, familyName, fullName: `${givenName} ${familyName}` },
      isAdmin,
      isDelegatedAdmin: false,
      lastLoginTime: new Date(EPOCH - random.int(0, 60) * DAY).toISOString(),
      creationTime: new Date(EPOCH - random.int(61, 1500) * DAY).toISOString(),
      agreedToTerms: true,
      suspended,
      suspensionReason: suspended ? 'ADMIN' : undefined,
      archived: !isAdmin && !suspended && random.chance(0.01),
      changePasswordAtNextLogin: false,
      ipWhitelisted: false,
      emails: [{ address: primaryEmail, primary: true }, ...(aliases ?? []).map((address) => ({ address }))],
      aliases,
      nonEditableAliases: domain === PRIMARY_DOMAIN ? undefined : [`${primaryEmail.split('@')[0]}@${SECONDARY_DOMAIN}.test-google-a.com`],
      customerId,
      orgUnitPath: `/${department}`,
      isMailboxSetup: true,
      isEnrolledIn2Sv: random.chance(0.7),
      isEnforcedIn2Sv: false,
      includeInGlobalAddressList: isAdmin || !random.chance(0.02),
      // One person in eight has no photo, as in real tenants (the intranet shows initials then).
      thumbnailPhotoUrl: Number(id.slice(-3)) % 8 === 0 ? undefined : `https://lh3.googleusercontent.com/a-/emulator-${id}=s96-c`,
      thumbnailPhotoEtag: `"${random.hex(16)}"`,
      organizations: [
        {
          title: isAdmin ? 'Chief Operating Officer' : random.pick(TITLES),
          department,
          primary: true,
          customType: '',
          description: 'Employee',
        },
      ],
      locations: [
        {
          type: 'desk',
          area: building.city,
          buildingId: building.buildingId,
          floorName: String(random.int(1, 6)),
          deskCode: `${random.int(1, 6)}-${random.int(100, 199)}`,
        },
      ],
      phones: [{ value: `+49 30 ${random.digits(4)} ${random.digits(3)}`, type: 'work', primary: true }],
      relations: manager ? [{ value: manager.primaryEmail, type: 'manager' }] : undefined,
      externalIds: [{ value: `E${String(i + 1).padStart(6, '0')}`, type: 'organization' }],
      keywords: random.chance(0.3)
        ? [{ value: random.pick(['mentor', 'first-aider', 'fire-warden', 'polyglot']), type: 'custom' }]
        : undefined,
      customSchemas: {
        [EMPLOYMENT_SCHEMA]: {
          EmployeeNumber: `E${String(i + 1).padStart(6, '0')}`,
          CostCenter: `CC-${random.int(100, 999)}`,
          Pronouns: random.pick(['she/her', 'he/him', 'they/them']),
        },
      },
      deletionTime: !isAdmin && random.chance(0.01) ? new Date(EPOCH - random.int(1, 19) * DAY).toISOString() : undefined,
    };
    users.push(user);
  }
  return users;
}

function employmentSchema(random: Random): DirectorySchemaResource {
  const field = (fieldName: string, displayName: string, readAccessType: 'ALL_DOMAIN_USERS' | 'ADMINS_AND_SELF') => ({
    kind: 'admin#directory#schema#fieldspec' as const,
    fieldId: random.hex(22),
    etag: etag(random),
    fieldType: 'STRING' as const,
    fieldName,
    displayName,
    multiValued: false,
    readAccessType,
  });
  return {
    kind: 'admin#directory#schema',
    schemaId: random.hex(22),
    etag: etag(random),
    schemaName: EMPLOYMENT_SCHEMA,
    displayName: 'Employment',
    fields: [
      field('EmployeeNumber', 'Employee number', 'ADMINS_AND_SELF'),
      field('CostCenter', 'Cost center', 'ADMINS_AND_SELF'),
      field('Pronouns', 'Pronouns', 'ALL_DOMAIN_USERS'),
    ],
  };
}

/**
 * Groups, in this order (as many as `count` allows): everyone@ (the CUSTOMER member), all-staff@
 * (every user directly: the big group), one per department, then teams. Teams nest: the first four
 * form a chain under Engineering (four levels), the next two contain each other (the cycle), later
 * ones nest into an earlier team at random; some have an external member.
 */
function generateGroups(count: number, users: DirectoryUserResource[], random: Random, ids: UniqueIds, customerId: string) {
  const groups: DirectoryGroupResource[] = [];
  const members = new Map<string, DirectoryMemberResource[]>();
  const live = users.filter((u) => !u.deletionTime);
  const addGroup = (email: string, name: string, description: string): DirectoryGroupResource => {
    const group: DirectoryGroupResource = {
      kind: 'admin#directory#group',
      id: ids.group(),
      etag: etag(random),
      email,
      name,
      directMembersCount: '0',
      description,
      adminCreated: true,
    };
    groups.push(group);
    members.set(group.id, []);
    return group;
  };
  const add = (group: DirectoryGroupResource, member: DirectoryMemberResource) => {
    const list = members.get(group.id)!;
    list.push(member);
    group.directMembersCount = String(list.length);
  };
  const addUser = (group: DirectoryGroupResource, user: DirectoryUserResource, role: MemberRole = 'MEMBER') =>
    add(group, userMember(user, role, etag(random)));
  const addGroupMember = (parent: DirectoryGroupResource, child: DirectoryGroupResource) =>
    add(parent, groupMember(child, 'MEMBER', etag(random)));
  const admin = users[0]!;

  const plan: Array<() => void> = [
    () => {
      const everyone = addGroup(`everyone@${PRIMARY_DOMAIN}`, 'Everyone', 'Every account of the organisation');
      addUser(everyone, admin, 'OWNER');
      add(everyone, { kind: 'admin#directory#member', etag: etag(random), id: customerId, role: 'MEMBER', type: 'CUSTOMER' });
    },
    () => {
      const staff = addGroup(`all-staff@${PRIMARY_DOMAIN}`, 'All staff', 'Every employee, listed directly');
      for (const user of live) addUser(staff, user, user === admin ? 'OWNER' : 'MEMBER');
    },
  ];
  const departmentGroups = new Map<string, DirectoryGroupResource>();
  for (const department of DEPARTMENTS) {
    plan.push(() => {
      const group = addGroup(`${emailLocalPart(department)}@${PRIMARY_DOMAIN}`, department, `The ${department} department`);
      departmentGroups.set(department, group);
    });
  }
  const planned = Math.min(count, plan.length);
  for (let i = 0; i < planned; i++) plan[i]!();
  if (departmentGroups.size > 0) {
    for (const user of live) {
      const org = user.organizations?.[0];
      const group = org?.department ? departmentGroups.get(org.department) : undefined;
      if (group) addUser(group, user, org?.title === 'Manager' || org?.title === 'Director' ? 'MANAGER' : 'MEMBER');
    }
  }

  const teams: DirectoryGroupResource[] = [];
  for (let t = 0; groups.length < count; t++) {
    // The chain and the cycle stay in the primary domain: hasMember resolves nesting within one domain only.
    const domain = t > 5 && random.chance(0.2) ? SECONDARY_DOMAIN : PRIMARY_DOMAIN;
    const word = TEAM_WORDS[t % TEAM_WORDS.length]!;
    const team = addGroup(
      `team-${word}-${t + 1}@${domain}`,
      `Team ${word[0]!.toUpperCase()}${word.slice(1)} ${t + 1}`,
      `Project team ${t + 1}`,
    );
    teams.push(team);
    const size = random.int(3, 25);
    const chosen = new Set<DirectoryUserResource>();
    while (chosen.size < Math.min(size, live.length)) chosen.add(random.pick(live));
    let first = true;
    for (const user of chosen) {
      addUser(team, user, first ? 'OWNER' : random.chance(0.1) ? 'MANAGER' : 'MEMBER');
      first = false;
    }
    if (random.chance(0.3)) {
      const local = emailLocalPart(random.pick(GIVEN_NAMES), random.pick(FAMILY_NAMES));
      add(team, {
        kind: 'admin#directory#member',
        etag: etag(random),
        id: `1${random.digits(20)}`,
        email: `${local}@${EXTERNAL_DOMAIN}`,
        role: 'MEMBER',
        type: 'USER',
        status: 'ACTIVE',
        delivery_settings: 'ALL_MAIL',
      });
    }
    if (t === 0) {
      const engineering = departmentGroups.get('Engineering');
      if (engineering) addGroupMember(engineering, team);
    } else if (t <= 3) {
      addGroupMember(teams[t - 1]!, team);
    } else if (t === 5) {
      addGroupMember(teams[4]!, team);
      addGroupMember(team, teams[4]!);
    } else if (t > 5 && random.chance(0.3)) {
      addGroupMember(teams[random.int(0, t - 1)]!, team);
    }
  }
  return { groups, members };
}
