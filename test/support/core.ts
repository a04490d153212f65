import pino from 'pino';
import type { Core } from '../../main/core/core';
import type { SupervisionTimings } from '../../main/core/stack/timings';
import { createLookout } from '../../main/index';

/** A real core on a test home (real binaries, real processes), initialised. */
export async function startCore(home: string, timings?: Partial<SupervisionTimings>): Promise<Core> {
  const core = createLookout({ mode: 'serve', home, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), timings });
  await core.init();
  return core;
}
