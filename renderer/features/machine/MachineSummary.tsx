import { useEffect, useMemo } from 'react';
import type { Api } from '../../../common/ipc';
import type { MetricsSample } from '../../../common/model';
import { formatBytes, formatPercent, formatSeconds } from '../../lib/format';
import { Sparkline } from '../../ui/Sparkline';
import { gpuAbsence } from './gpu';
import { useMachineStore } from './useMachineStore';

interface Mini {
  id: string;
  title: string;
  key: string | null;
  value: (s: MetricsSample | undefined) => string;
  scale?: { min?: number; max?: number };
}

/** The first IPC target seen in the recent samples (its latency key), or null. */
function firstIpcKey(samples: MetricsSample[]): string | null {
  for (const s of samples.slice(-5).reverse()) for (const k of Object.keys(s.values).sort()) if (k.startsWith('ipc.') && k.endsWith('.latency_seconds')) return k;
  return null;
}

const memoryShare = (s: MetricsSample | undefined): number | undefined => {
  const used = s?.values['memory.used_bytes'];
  const total = s?.values['memory.total_bytes'];
  return used !== undefined && total ? used / total : undefined;
};

/** The overview's four sparklines (CPU, RAM, GPU, IPC), one small cell each; the Machine view has the rest. */
export function MachineSummary({ api }: { api: Api }) {
  const connect = useMachineStore((s) => s.connect);
  useEffect(() => connect(api), [api, connect]);
  const live = useMachineStore((s) => s.samples);
  const machine = useMachineStore((s) => s.machine);
  const gpuCollector = useMachineStore((s) => s.collectors.find((c) => c.id === 'gpu'));
  const latest = live.at(-1);
  const ipcKey = useMemo(() => firstIpcKey(live), [live]);

  const minis: Mini[] = [
    { id: 'cpu', title: 'CPU', key: 'cpu.usage_ratio', value: (s) => formatPercent(s?.values['cpu.usage_ratio']), scale: { min: 0, max: 1 } },
    { id: 'memory', title: 'RAM', key: 'memory.used_bytes', value: (s) => (memoryShare(s) !== undefined ? formatPercent(memoryShare(s)) : formatBytes(s?.values['memory.used_bytes'])), scale: { min: 0, max: latest?.values['memory.total_bytes'] } },
    { id: 'gpu', title: 'GPU', key: 'gpu.utilization_ratio', value: (s) => formatPercent(s?.values['gpu.utilization_ratio']), scale: { min: 0, max: 1 } },
    { id: 'ipc', title: ipcKey ? `IPC ${ipcKey.slice(4, -'.latency_seconds'.length)}` : 'IPC', key: ipcKey, value: (s) => formatSeconds(ipcKey ? s?.values[ipcKey] : undefined), scale: { min: 0 } },
  ];

  return (
    <section className="machine-summary" aria-labelledby="machine-summary-title">
      <header className="section-header">
        <h2 id="machine-summary-title">Machine</h2>
        <a className="link-quiet" href="#/machine">
          Details
        </a>
      </header>
      <ul role="list" className="minis">
        {minis.map((m) => {
          const gpu = m.id === 'gpu' && latest?.values['gpu.utilization_ratio'] === undefined ? gpuAbsence(machine, gpuCollector) : null;
          return (
            <li key={m.id} className="mini" aria-label={m.title} data-testid={`mini-${m.id}`}>
              <div className="mini-head">
                <span className="mini-title">{m.title}</span>
                <span className={gpu ? 'mini-value mini-absent' : 'mini-value'} title={gpu?.title}>
                  {gpu ? gpu.text : m.value(latest)}
                </span>
              </div>
              <MiniLine samples={live} sampleKey={m.key} scale={m.scale} label={`${m.title}, last 15 minutes`} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function MiniLine({ samples, sampleKey, scale, label }: { samples: MetricsSample[]; sampleKey: string | null; scale?: { min?: number; max?: number }; label: string }) {
  const series = useMemo(() => (sampleKey ? samples.map((s) => s.values[sampleKey] ?? null) : []), [samples, sampleKey]);
  return <Sparkline values={series} scale={scale} label={label} width={78} height={18} />;
}
