import { describe, expect, it } from 'vitest';
import { collectorChecks } from './doctor-checks';

describe('collector checks for lookout doctor', () => {
  it('up passes, unavailable passes with its reason, down fails with its reason and how to silence it', () => {
    const checks = collectorChecks(
      {
        source: 'one run now',
        statuses: [
          { id: 'cpu', up: true, reason: null, lastDurationMs: 2.4, lastSuccessAt: 1 },
          { id: 'gpu', up: false, reason: 'no GPU readable: nvidia-smi not found in PATH', unavailable: true, lastDurationMs: 1, lastSuccessAt: null },
          { id: 'memory', up: false, reason: 'vm_stat timed out after 4950 ms', lastDurationMs: 5000, lastSuccessAt: 1 },
        ],
      },
      '/h/settings.json',
    );
    expect(checks).toEqual([
      { name: 'collector cpu', ok: true, detail: 'up (last run 2 ms; one run now)' },
      { name: 'collector gpu', ok: true, detail: 'not available on this machine, no series exported: no GPU readable: nvidia-smi not found in PATH (one run now)' },
      {
        name: 'collector memory',
        ok: false,
        detail: 'down, its series are absent: vm_stat timed out after 4950 ms (one run now)',
        fix: 'fix what the reason names (the other collectors keep running), or set metrics.collectors.memory to false in /h/settings.json',
      },
    ]);
  });
});
