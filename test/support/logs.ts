import { vi } from 'vitest';

/** Captures every line the process writes to stdout and stderr (where the logger writes) while a test runs. */
export function captureOutput(): { lines: () => string[]; restore: () => void } {
  const chunks: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }),
  );
  return {
    lines: () => chunks.join('').split('\n').filter(Boolean),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}
