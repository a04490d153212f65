/**
 * Filesystem size and space available per real mount, through fs.statfs (async: the call runs on
 * libuv's threadpool, so a slow mount never blocks the event loop; a hung one trips the timeout).
 *
 * The mount list comes from /proc/self/mounts on Linux (fast) and from `mount` on macOS (slow).
 * Pseudo filesystems (proc, sysfs, tmpfs, cgroup, devfs, autofs…), network mounts and bind mounts
 * of a device already listed are left out; at most MAX_MOUNTS are exported.
 */
import { statfs } from 'node:fs/promises';
import { unsupportedCollector, type Collector, type Reading, type Series } from '../collector';
import { parseMounts, type MountEntry } from '../parsers/linux-proc';
import { parseMacMount } from '../parsers/macos-system';

export const MAX_MOUNTS = 16;
const MOUNT = '/sbin/mount';

/** Filesystems that hold no user data on a disk (the list node_exporter ignores, plus memory-backed ones). */
const PSEUDO_FS = new Set([
  'autofs', 'binfmt_misc', 'bpf', 'cgroup', 'cgroup2', 'configfs', 'debugfs', 'devpts', 'devtmpfs', 'efivarfs', 'fusectl',
  'hugetlbfs', 'iso9660', 'mqueue', 'nsfs', 'proc', 'procfs', 'pstore', 'rpc_pipefs', 'securityfs', 'selinuxfs', 'squashfs',
  'sysfs', 'tracefs', 'tmpfs', 'ramfs', 'fuse.portal', 'fuse.gvfsd-fuse', 'fuse.lxcfs', 'nfsd', 'devfs', 'nullfs', 'lifs',
]);
/** Remote filesystems: a stalled server would tie up a threadpool thread on every run. */
const NETWORK_FS = /^(nfs4?|cifs|smb3?|smbfs|afpfs|webdav|fuse\.sshfs|9p|ceph|glusterfs)$/;
const PSEUDO_MOUNTPOINT = /^\/(proc|sys|dev|run\/credentials)(\/|$)/;

/** Which Linux mounts count as real filesystems. A container's overlay root counts: it is where its data lives. */
export function realLinuxMounts(mounts: MountEntry[]): MountEntry[] {
  const seen = new Set<string>();
  const out: MountEntry[] = [];
  for (const m of mounts) {
    if (m.fstype === 'overlay' ? m.mountpoint !== '/' : PSEUDO_FS.has(m.fstype) || NETWORK_FS.test(m.fstype)) continue;
    if (PSEUDO_MOUNTPOINT.test(m.mountpoint)) continue;
    // The same device mounted again (bind mounts, snap's own views) would report the same space twice.
    const key = m.device.startsWith('/') ? m.device : `${m.fstype}:${m.device}:${m.mountpoint}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m);
  }
  return out.slice(0, MAX_MOUNTS);
}

/**
 * Which macOS mounts count: local ones that Finder shows, plus the Data volume (it holds the user's
 * files; "/" is the sealed system snapshot of the same APFS container).
 */
export function realMacMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const m of parseMacMount(text)) {
    if (PSEUDO_FS.has(m.fstype) || NETWORK_FS.test(m.fstype) || !m.options.includes('local')) continue;
    if (m.options.includes('nobrowse') && m.mountpoint !== '/System/Volumes/Data') continue;
    out.push({ device: m.device, mountpoint: m.mountpoint, fstype: m.fstype });
  }
  return out.slice(0, MAX_MOUNTS);
}

async function usage(mounts: MountEntry[]): Promise<Reading> {
  const results = await Promise.all(
    mounts.map(async (m) => {
      try {
        const s = await statfs(m.mountpoint);
        return { m, size: s.blocks * s.bsize, avail: s.bavail * s.bsize };
      } catch {
        return null; // unmounted meanwhile, or not ours to stat: leave it out
      }
    }),
  );
  const series: Series[] = [];
  let fullest: number | undefined;
  for (const r of results) {
    if (!r || r.size <= 0) continue;
    const labels = { mountpoint: r.m.mountpoint, fstype: r.m.fstype };
    series.push({ name: 'lookout_filesystem_size_bytes', labels, value: r.size }, { name: 'lookout_filesystem_avail_bytes', labels, value: r.avail });
    fullest = Math.max(fullest ?? 0, 1 - r.avail / r.size);
  }
  // The fullest filesystem, the same figure the history view queries (max of 1 − avail / size).
  return { series, sample: fullest === undefined ? {} : { 'disk.used_ratio': fullest } };
}

export function createFilesystemCollector(platform: NodeJS.Platform): Collector {
  if (platform === 'linux') {
    return { id: 'filesystem', cadence: 'fast', collect: async (ctx) => usage(realLinuxMounts(parseMounts(await ctx.readFile('/proc/self/mounts', { keep: true })))) };
  }
  if (platform === 'darwin') {
    return { id: 'filesystem', cadence: 'slow', collect: async (ctx) => usage(realMacMounts(await ctx.exec(MOUNT, []))) };
  }
  return unsupportedCollector('filesystem', 'fast', platform);
}
