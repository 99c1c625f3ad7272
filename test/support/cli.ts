import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One of the repository's CLIs as `npm run …` starts it (`node --import tsx <script>`), from the repository root, on top of this process's environment. */
export function runCli(script: string, args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: { ...process.env, ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: CliResult) => error,
  );
}
