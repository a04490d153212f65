import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommandRunner } from '../../main/core/adapters/command-runner';
import { createPortProbe, listeningSockets, socketInodesOf } from '../../main/core/adapters/port-probe';
import { isExecutable } from '../../main/core/stack/binaries';

const children: ChildProcess[] = [];

/** A real child process listening on host:0; resolves with its pid and port once it listens. */
function listener(host: string): Promise<{ pid: number; port: number }> {
  const child = spawn(process.execPath, ['-e', `
    const s = require('node:net').createServer().listen(0, ${JSON.stringify(host)}, () => console.log(s.address().port));
    setInterval(() => {}, 1000);
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (d: Buffer) => resolve({ pid: child.pid!, port: Number(String(d).trim()) }));
  });
}

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

describe('createPortProbe against real listeners', () => {
  it('names the child process holding a loopback port (Linux /proc)', async () => {
    const { pid, port } = await listener('127.0.0.1');
    const holder = await createPortProbe(createCommandRunner(), 'linux').holder(port);
    expect(holder).toEqual({ pid, command: 'node' });
  });

  it('finds a holder bound to the wildcard address too (it blocks 127.0.0.1 as well)', async () => {
    const { pid, port } = await listener('0.0.0.0');
    expect(await createPortProbe(createCommandRunner(), 'linux').holder(port)).toEqual({ pid, command: 'node' });
  });

  it('the lsof path (used on macOS) reports the same pid', async () => {
    expect(await isExecutable('/usr/bin/lsof'), 'lsof is required for this test (apt-get install lsof)').toBe(true);
    const { pid, port } = await listener('127.0.0.1');
    expect(await createPortProbe(createCommandRunner(), 'darwin').holder(port)).toEqual({ pid, command: 'node' });
  });

  it('listeningSockets and socketInodesOf tie a child socket to its pid and loopback address', async () => {
    const { pid, port } = await listener('127.0.0.1');
    const inodes = await socketInodesOf(pid);
    const ours = (await listeningSockets()).filter((s) => inodes.has(s.inode));
    expect(ours).toEqual([{ address: '127.0.0.1', port, inode: expect.any(Number) }]);
  });

  it('reports the port free once the holder is gone', async () => {
    const { port } = await listener('127.0.0.1');
    const child = children.pop()!;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
    expect(await createPortProbe().holder(port)).toBeNull();
  });
});
