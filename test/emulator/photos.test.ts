import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin_directory_v1 } from '@googleapis/admin';
import type { Emulator } from '../../local/emulator/emulator.js';
import { directoryClient, startTestEmulator } from '../support/emulator.js';

let emulator: Emulator;
let directory: admin_directory_v1.Admin;

beforeAll(async () => {
  emulator = await startTestEmulator({ users: 40 });
  directory = await directoryClient(emulator);
});
afterAll(() => emulator.stop());

describe('profile photos', () => {
  it("serves each person's thumbnailPhotoUrl as a real PNG, without credentials, as Google's photo host does", async () => {
    const { data } = await directory.users.list({ customer: 'my_customer', maxResults: 40 });
    const withPhoto = data.users!.filter((u) => u.thumbnailPhotoUrl);
    expect(withPhoto.length).toBeGreaterThan(20);
    for (const user of withPhoto.slice(0, 3)) {
      expect(user.thumbnailPhotoUrl!.startsWith(`${emulator.origin}/a-/`)).toBe(true);
      const response = await fetch(user.thumbnailPhotoUrl!);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      const png = Buffer.from(await response.arrayBuffer());
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([96, 96]); // IHDR width and height
    }
    // Two people, two pictures (each has the colour of their own id).
    const [a, b] = await Promise.all(
      withPhoto.slice(0, 2).map(async (u) => Buffer.from(await (await fetch(u.thumbnailPhotoUrl!)).arrayBuffer())),
    );
    expect(a!.equals(b!)).toBe(false);
  });

  it('leaves some people without a photo, and answers 404 for an address with none behind it', async () => {
    const { data } = await directory.users.list({ customer: 'my_customer', maxResults: 40 });
    expect(data.users!.some((u) => !u.thumbnailPhotoUrl)).toBe(true);
    const missing = await fetch(`${emulator.origin}/a-/emulator-999999999=s96-c`);
    expect(missing.status).toBe(404);
  });
});
