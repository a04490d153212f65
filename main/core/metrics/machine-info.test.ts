import { describe, expect, it } from 'vitest';
import { createMachineInfo } from './machine-info';

describe('machine info', () => {
  it('reads this machine once through systeminformation (later calls share the answer)', async () => {
    const read = createMachineInfo();
    const info = await read();
    expect(info.cpu).toMatch(/\S/);
    expect(info.cores).toBeGreaterThan(0);
    expect(await read()).toBe(info);
    // This CI machine has no GPU: the list is empty and the reason says so, rather than a made-up model.
    if (!info.gpus.length) expect(info.reason).toMatch(/no GPU/);
  });

  it('says why when the library fails, with nothing guessed', async () => {
    const info = await createMachineInfo(() => Promise.reject(new Error('boom')))();
    expect(info).toEqual({ cpu: null, cores: null, os: null, gpus: [], reason: 'machine details could not be read: boom' });
  });
});
