import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCommandRunner } from './command-runner';
import { canBind, createPortProbe, decodeProcAddress, listeningSockets, parseLsof, parseProcNetTcp, socketInodesOf } from './port-probe';

// Recorded from /proc/net/tcp and /proc/net/tcp6 on this x86-64 (little-endian) Linux host while node listened on
// 0.0.0.0:2024, 127.0.0.1:18080, [::1]:33791, [::]:19090 and [::ffff:127.0.0.1]:19091; the line with a TIME_WAIT
// (06) state is real too. Only the 2001:db8::1 line is written by hand (no global address can be bound here).
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 613 1 000000001035ddb4 100 0 0 10 0
   1: 0100007F:46A0 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 19673 1 00000000d54d1e81 100 0 0 10 0
   2: 0100007F:9514 0100007F:4A92 06 00000000:00000000 03:00000622 00000000     0        0 0 3 00000000c3a7e0b9
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:83FF 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 18038 1 0000000080049c69 100 0 0 10 0
   0: 00000000000000000000000000000000:4A92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 19674 1 0000000082a918da 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:4A93 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 19675 1 00000000f9e0a20d 100 0 0 10 0
   3: B80D0120000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 18102 1 0000000080049c69 100 0 0 10 0
`;

describe('/proc/net/tcp parsing (recorded output)', () => {
  it('decodes IPv4 addresses stored in host byte order and ports in hex', () => {
    expect(decodeProcAddress('0100007F:1F90')).toEqual({ address: '127.0.0.1', port: 8080 });
    expect(decodeProcAddress('00000000:07E8')).toEqual({ address: '0.0.0.0', port: 2024 });
    // Byte order matters: 10.0.2.15 is stored as 0F02000A.
    expect(decodeProcAddress('0F02000A:01BB')).toEqual({ address: '10.0.2.15', port: 443 });
  });

  it('decodes IPv6 addresses word by word and prints them compressed', () => {
    expect(decodeProcAddress('00000000000000000000000001000000:83FF')).toEqual({ address: '::1', port: 33791 });
    expect(decodeProcAddress('00000000000000000000000000000000:2382')).toEqual({ address: '::', port: 9090 });
    expect(decodeProcAddress('0000000000000000FFFF00000100007F:2383')).toEqual({ address: '::ffff:127.0.0.1', port: 9091 });
    expect(decodeProcAddress('000080FE00000000FF0000000100005E:0016')).toEqual({ address: 'fe80::ff:5e00:1', port: 22 });
    expect(decodeProcAddress('B80D0120000000000000000001000000:0050')).toEqual({ address: '2001:db8::1', port: 80 });
  });

  it('keeps LISTEN sockets only, with their inodes', () => {
    expect(parseProcNetTcp(TCP)).toEqual([
      { address: '0.0.0.0', port: 2024, inode: 613 },
      { address: '127.0.0.1', port: 18080, inode: 19673 },
    ]);
    expect(parseProcNetTcp(TCP6).map((s) => `${s.address}:${s.port}#${s.inode}`)).toEqual([
      '::1:33791#18038',
      ':::19090#19674',
      '::ffff:127.0.0.1:19091#19675',
      '2001:db8::1:80#18102',
    ]);
    expect(parseProcNetTcp('')).toEqual([]);
  });
});

describe('parseLsof (recorded macOS `lsof -nP -iTCP:9090 -sTCP:LISTEN -Fpc` output)', () => {
  it('reads the first process and its command', () => {
    expect(parseLsof('p4187\ncprometheus\np4190\ncother\n')).toEqual({ pid: 4187, command: 'prometheus' });
    expect(parseLsof('')).toEqual({ pid: null, command: null });
  });
});

describe('live sockets of this process', () => {
  it('finds our own listener on loopback by inode', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as net.AddressInfo;
      const mine = await socketInodesOf(process.pid);
      const found = (await listeningSockets()).filter((s) => s.port === port);
      expect(found).toHaveLength(1);
      expect(found[0]!.address).toBe('127.0.0.1');
      expect(mine.has(found[0]!.inode)).toBe(true);
      expect(await canBind(port)).toBe(false);
      const probe = createPortProbe(createCommandRunner());
      expect(await probe.holder(port)).toEqual({ pid: process.pid, command: expect.any(String) });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('reports a free port as free', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((r) => server.close(r));
    expect(await createPortProbe().holder(port)).toBeNull();
  });

  it('returns an empty set for a process that does not exist', async () => {
    expect((await socketInodesOf(2 ** 22 + 12345)).size).toBe(0);
  });
});
