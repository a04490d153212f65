import type { Faults } from './faults';

/** The three reference services. */
export const REFERENCE_SERVICES = ['memory', 'llm', 'gui'] as const;
export type ReferenceServiceName = (typeof REFERENCE_SERVICES)[number];

/** A reference service listening on 127.0.0.1. */
export interface RunningService {
  name: ReferenceServiceName;
  url: string;
  port: number;
  /** The memory server's IPC socket. */
  socketPath?: string;
  faults: Faults;
  close(): Promise<void>;
}
