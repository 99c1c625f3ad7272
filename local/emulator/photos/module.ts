/**
 * Profile photos as Google serves them: Directory's `thumbnailPhotoUrl` points at
 * `https://lh3.googleusercontent.com/a-/…=s96-c`, a URL the browser loads without credentials.
 * Locally that host is out of reach, so the emulator serves the same paths on its own origin
 * (`localPhotoUrl`), with a real 96 px PNG per person: a head and shoulders on a colour of their id.
 */
import { createHash } from 'node:crypto';
import type { EmulatorModule } from '../module.js';
import { GoogleApiError } from '../http.js';
import { encodePng } from './png.js';

const GOOGLE_PHOTO_ORIGIN = 'https://lh3.googleusercontent.com';
const SIZE = 96;

/** The seeded photo URL with the emulator's origin in place of Google's photo host. */
export function localPhotoUrl(googleUrl: string, origin: string): string {
  return googleUrl.startsWith(`${GOOGLE_PHOTO_ORIGIN}/`) ? origin + googleUrl.slice(GOOGLE_PHOTO_ORIGIN.length) : googleUrl;
}

/** A person's photo: a light head and shoulders on a mid-tone background derived from their id. */
export function portrait(userId: string): Buffer {
  const [r, g, b] = createHash('sha256').update(userId).digest();
  const background = [64 + (r! % 128), 64 + (g! % 128), 64 + (b! % 128)] as const;
  const figure = [236, 236, 240] as const;
  return encodePng(SIZE, (x, y) => {
    const head = (x - 48) ** 2 + (y - 38) ** 2 < 17 ** 2;
    const shoulders = y > 62 && (x - 48) ** 2 / 34 ** 2 + (y - 96) ** 2 / 30 ** 2 < 1;
    return head || shoulders ? figure : background;
  });
}

export const photosModule: EmulatorModule = {
  name: 'photos',
  routes: ({ directory }) => [
    {
      method: 'GET',
      path: '/a-/{photo}',
      name: 'photos.get',
      kind: 'admin',
      handler: (request) => {
        const id = /^emulator-(\d+)=s\d+-c$/.exec(request.params.photo ?? '')?.[1];
        const user = id === undefined ? undefined : directory.users.find((u) => u.id === id && u.thumbnailPhotoUrl);
        if (!user) throw new GoogleApiError(404, 'notFound', 'No photo at this address.');
        return { status: 200, headers: { 'content-type': 'image/png', 'cache-control': 'public, max-age=86400' }, body: portrait(user.id) };
      },
    },
  ],
};
