import { describe, expect, it } from 'vitest';
import { parseUserQuery } from '../../local/emulator/directory/user-query.js';
import { GoogleApiError } from '../../local/emulator/http.js';
import { generateDirectory } from '../../local/emulator/seed/directory.js';

const { users } = generateDirectory({ seed: 'query', users: 300, groups: 0 });
const byEmail = (email: string) => users.find((u) => u.primaryEmail === email);
const run = (query: string) => users.filter(parseUserQuery(query, byEmail));

describe('users.list query subset', () => {
  it('matches email prefixes, words, exact values and quoted phrases, case-insensitively', () => {
    expect(run('email:ada*').map((u) => u.primaryEmail)).toContain('ada@example.com');
    expect(run("name:'Ada Lovelace'").map((u) => u.primaryEmail)).toEqual(['ada@example.com']);
    expect(run('givenName=ADA').every((u) => u.name.givenName === 'Ada')).toBe(true);
    const accented = users.find((u) => /[^ -~]/.test(u.name.givenName))!;
    expect(run(`givenName:${accented.name.givenName.toUpperCase()}`)).toContain(accented);
    expect(run('lovelace')).toContain(users[0]);
  });

  it('combines terms with AND and reads booleans, departments and custom schema fields', () => {
    const suspended = run('isSuspended=true');
    expect(suspended.length).toBeGreaterThan(0);
    expect(suspended.every((u) => u.suspended)).toBe(true);
    const engineers = run("orgDepartment='Engineering' isSuspended=false");
    expect(engineers.every((u) => u.organizations![0]!.department === 'Engineering' && !u.suspended)).toBe(true);
    expect(run('Employment.EmployeeNumber=E000002')).toEqual([users[1]]);
  });

  it('follows the manager chain for manager: and only the first link for directManager:', () => {
    const direct = run('directManager:ada@example.com');
    const all = run('manager:ada@example.com');
    expect(direct.length).toBe(7);
    expect(all.length).toBeGreaterThan(direct.length);
    expect(run(`managerId:${users[0]!.id}`)).toEqual(all);
  });

  it("answers an unknown field or a malformed value with Google's 400 Invalid Input", () => {
    for (const bad of ['shoeSize:42', 'isAdmin=maybe', "name:'unterminated"]) {
      expect(() => run(bad)).toThrow(GoogleApiError);
    }
  });
});
