/**
 * What the GPU tile says when there is no reading: "No GPU found" with the probe's reason on hover when
 * the machine has none (or the probe says so), "GPU not read" when there is one but its reading failed.
 * Never the raw probe error as the tile's text (issue 16.11).
 */
import type { CollectorStatus, MachineInfo } from '../../../common/model';

export function gpuAbsence(machine: MachineInfo | null, collector: CollectorStatus | undefined): { text: string; title: string } | null {
  const reason = machine?.reason ?? collector?.reason ?? null;
  if (machine && machine.gpus.length > 0) return collector && !collector.up ? { text: 'GPU not read', title: collector.reason ?? 'the GPU could not be read' } : null;
  if ((machine && machine.gpus.length === 0) || collector?.unavailable || (collector && !collector.up)) return { text: 'No GPU found', title: reason ?? 'no GPU found on this machine' };
  return null;
}
