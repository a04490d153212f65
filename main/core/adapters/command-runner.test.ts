import { describe, expect, it } from 'vitest';
import { createCommandRunner } from './command-runner';

describe('createCommandRunner', () => {
  const runner = createCommandRunner();

  it('returns stdout, stderr and code 0 on success', async () => {
    const r = await runner.run(process.execPath, ['-e', 'process.stdout.write("out"); process.stderr.write("err")']);
    expect(r).toEqual({ code: 0, stdout: 'out', stderr: 'err' });
  });

  it('returns the exit code and output on failure instead of throwing', async () => {
    const r = await runner.run(process.execPath, ['-e', 'console.log("partial"); console.error("boom"); process.exit(3)']);
    expect(r).toEqual({ code: 3, stdout: 'partial\n', stderr: 'boom\n' });
  });

  it('passes arguments verbatim (no shell) and honours cwd', async () => {
    const r = await runner.run(process.execPath, ['-e', 'console.log(JSON.stringify([process.argv[1], process.cwd()]))', '$HOME; echo hi'], { cwd: '/tmp' });
    expect(JSON.parse(r.stdout)).toEqual(['$HOME; echo hi', '/tmp']);
  });

  it('kills a command that outlives its timeout and says so', async () => {
    const started = Date.now();
    const r = await runner.run(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.code).toBeNull();
    expect(r.stderr).toMatch(/timed out after 300 ms/);
  });

  it('reports a command that cannot start', async () => {
    const r = await runner.run('/nonexistent/lookout-tool', ['--version']);
    expect(r.code).toBeNull();
    expect(r.stderr).toMatch(/ENOENT/);
  });
});
