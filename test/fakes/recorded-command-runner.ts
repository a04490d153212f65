import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandRunner } from '../../main/core/ports';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');

/** What one fake tool does: print a recorded fixture, print text, fail like execFile fails, or hang. */
export type FakeTool =
  | { fixture: string; code?: number; stderr?: string }
  | { stdout: string; code?: number; stderr?: string }
  | { missing: true }
  | { hang: true };

/**
 * A fake CommandRunner that answers each tool (by basename) with RECORDED real output from
 * test/fixtures, or with a failure shaped exactly like the real runner's (ENOENT, timeout).
 * It records every call, so tests can check what was run and how often.
 */
export class RecordedCommandRunner implements CommandRunner {
  readonly calls: Array<{ command: string; args: string[]; timeoutMs: number | undefined }> = [];
  constructor(public tools: Record<string, FakeTool | ((args: string[]) => FakeTool)>) {}

  async run(command: string, args: string[], opts: { timeoutMs?: number } = {}) {
    this.calls.push({ command, args, timeoutMs: opts.timeoutMs });
    const name = path.basename(command);
    const entry = this.tools[name];
    const tool = typeof entry === 'function' ? entry(args) : entry;
    if (!tool || 'missing' in tool) return { code: null, stdout: '', stderr: `spawn ${command} ENOENT` };
    if ('hang' in tool) {
      // The real runner kills the child at its timeout and says so.
      await new Promise((r) => setTimeout(r, opts.timeoutMs ?? 30_000));
      return { code: null, stdout: '', stderr: `${command} timed out after ${opts.timeoutMs} ms` };
    }
    const stdout = 'fixture' in tool ? readFileSync(path.join(FIXTURES, tool.fixture), 'utf8') : tool.stdout;
    return { code: tool.code ?? 0, stdout, stderr: tool.stderr ?? '' };
  }

  count(tool: string): number {
    return this.calls.filter((c) => path.basename(c.command) === tool).length;
  }
}
