import { useEffect, useMemo } from 'react';
import type { Api } from '../../../common/ipc';
import type { CollectorStatus, MachineInfo, MetricsSample } from '../../../common/model';
import { formatBytes, formatRate, formatRatio, formatSeconds } from '../../lib/format';
import { Sparkline } from '../../ui/Sparkline';
import { gpuAbsence } from './gpu';
import { useMachineStore, visibleSamples, type MachineRange } from './useMachineStore';

const RANGES: MachineRange[] = ['15m', '1h', '24h'];

export interface Tile {
  id: string;
  title: string;
  /** Sample key drawn in the sparkline. */
  key: string;
  format: (v: number | undefined) => string;
  /** Secondary figure, e.g. "of 32 GB". */
  detail?: (s: MetricsSample | undefined) => string | null;
  scale?: { min?: number; max?: number };
  /** Collector whose health explains an absent value. */
  collector: string;
}

export const TILES: Tile[] = [
  { id: 'cpu', title: 'CPU', key: 'cpu.usage_ratio', format: formatRatio, scale: { min: 0, max: 1 }, collector: 'cpu', detail: (s) => (s?.values['cpu.load1'] !== undefined ? `load ${s.values['cpu.load1'].toFixed(2)}` : null) },
  {
    id: 'memory',
    title: 'Memory',
    key: 'memory.used_bytes',
    format: formatBytes,
    collector: 'memory',
    detail: (s) => (s?.values['memory.total_bytes'] !== undefined ? `of ${formatBytes(s.values['memory.total_bytes'])}` : null),
  },
  { id: 'gpu', title: 'GPU', key: 'gpu.utilization_ratio', format: formatRatio, scale: { min: 0, max: 1 }, collector: 'gpu', detail: (s) => (s?.values['gpu.memory_used_bytes'] !== undefined ? `${formatBytes(s.values['gpu.memory_used_bytes'])} in use` : null) },
  { id: 'net', title: 'Network in', key: 'net.rx_bytes_per_second', format: formatRate, scale: { min: 0 }, collector: 'network', detail: (s) => (s?.values['net.tx_bytes_per_second'] !== undefined ? `out ${formatRate(s.values['net.tx_bytes_per_second'])}` : null) },
];

/** IPC targets appear as they are configured: one tile per `ipc.<target>.latency_seconds` key seen. */
export function ipcTiles(samples: MetricsSample[]): Tile[] {
  const names = new Set<string>();
  for (const s of samples.slice(-5)) for (const k of Object.keys(s.values)) if (k.startsWith('ipc.') && k.endsWith('.latency_seconds')) names.add(k);
  return [...names].sort().map((key) => ({ id: key, title: `IPC ${key.slice(4, -'.latency_seconds'.length)}`, key, format: formatSeconds, scale: { min: 0 }, collector: 'ipc' }));
}

/** Machine: CPU, RAM, GPU, network and IPC now, with a sparkline over the chosen range. */
export function MachineView({ api }: { api: Api }) {
  const connect = useMachineStore((s) => s.connect);
  useEffect(() => connect(api), [api, connect]);
  const range = useMachineStore((s) => s.range);
  const setRange = useMachineStore((s) => s.setRange);
  const live = useMachineStore((s) => s.samples);
  const history = useMachineStore((s) => s.history);
  const collectors = useMachineStore((s) => s.collectors);
  const loading = useMachineStore((s) => s.loadingHistory);
  const error = useMachineStore((s) => s.error);
  const machine = useMachineStore((s) => s.machine);

  const samples = useMemo(() => visibleSamples({ range, samples: live, history }), [range, live, history]);
  const latest = live.at(-1);
  const tiles = useMemo(() => [...TILES, ...ipcTiles(live)], [live]);
  const historyError = range !== '15m' ? history[range]?.error : null;

  return (
    <section className="machine" aria-labelledby="machine-title" data-sample-at={latest?.at}>
      <header className="section-header">
        <h1 id="machine-title" tabIndex={-1}>Machine</h1>
        <div role="radiogroup" aria-label="Time range" className="segmented">
          {RANGES.map((r) => (
            <button key={r} type="button" role="radio" aria-checked={range === r} className={range === r ? 'selected' : ''} onClick={() => void setRange(r)}>
              {r}
            </button>
          ))}
        </div>
      </header>
      {error && <p role="alert" className="banner banner-warning">{error}</p>}
      {historyError && <p className="muted">No {range} history: {historyError}</p>}
      {loading && <p className="muted">Loading {range}…</p>}
      <ul className="tiles" role="list">
        {tiles.map((tile) => (
          <MetricTile key={tile.id} tile={tile} latest={latest} samples={samples} collector={collectors.find((c) => c.id === tile.collector)} machine={machine} />
        ))}
      </ul>
      {machine && (machine.cpu || machine.os) && (
        <p className="muted machine-about">
          {[machine.cpu && `${machine.cpu}${machine.cores ? ` · ${machine.cores} cores` : ''}`, machine.gpus.length ? machine.gpus.join(', ') : null, machine.os].filter(Boolean).join(' · ')}
        </p>
      )}
    </section>
  );
}

function MetricTile({ tile, latest, samples, collector, machine }: { tile: Tile; latest: MetricsSample | undefined; samples: MetricsSample[]; collector: CollectorStatus | undefined; machine: MachineInfo | null }) {
  const value = latest?.values[tile.key];
  const series = useMemo(() => samples.map((s) => s.values[tile.key] ?? null), [samples, tile.key]);
  // Absent means unread: say why when the collector is down rather than showing a zero.
  const gpu = tile.id === 'gpu' && value === undefined ? gpuAbsence(machine, collector) : null;
  const why = gpu ? null : value === undefined && collector && !collector.up ? collector.reason : null;
  const detail = tile.detail?.(latest);
  return (
    <li className="tile" aria-label={tile.title} data-testid={`tile-${tile.id}`}>
      <div className="tile-head">
        <span className="tile-title">{tile.title}</span>
        <span className="tile-value" data-testid={`value-${tile.id}`}>
          {tile.format(value)}
        </span>
      </div>
      <Sparkline values={series} scale={tile.scale} label={`${tile.title} over the selected range`} />
      {gpu ? (
        <p className="muted tile-note" title={gpu.title}>
          {gpu.text}
        </p>
      ) : why ? (
        <p className="muted tile-note" title={why}>
          {why}
        </p>
      ) : detail ? (
        <p className="muted tile-note">{detail}</p>
      ) : null}
    </li>
  );
}
