import type * as Systeminformation from 'systeminformation';
import type { MachineInfo } from '../../../common/model';

/**
 * What the machine is, read once with systeminformation: its CPU and GPU models, which the live collectors
 * do not carry (they read counters, not names). Only the calls that answer from files or a single quick
 * tool run (cpu(), graphics(), osInfo()) are used, once, off the collectors' tick; systeminformation's
 * load and process calls spawn tools on every call and stay unused for the live figures.
 */
export function createMachineInfo(load: () => Promise<typeof Systeminformation> = () => import('systeminformation')): () => Promise<MachineInfo> {
  let pending: Promise<MachineInfo> | null = null;
  return () =>
    (pending ??= (async () => {
      try {
        const si = await load();
        const [cpu, graphics, os] = await Promise.all([si.cpu(), si.graphics(), si.osInfo()]);
        const gpus = graphics.controllers.map((c) => c.model).filter((m) => m && m.trim());
        return {
          cpu: `${cpu.manufacturer} ${cpu.brand}`.trim(),
          cores: cpu.cores,
          os: `${os.distro} ${os.release}`.trim(),
          gpus,
          reason: gpus.length ? null : 'no GPU reported by the system (systeminformation found no graphics controller)',
        };
      } catch (err) {
        return { cpu: null, cores: null, os: null, gpus: [], reason: `machine details could not be read: ${(err as Error).message}` };
      }
    })());
}
