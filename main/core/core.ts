import type { EventMap, EventName } from '../../common/ipc';
import type { Logger } from 'pino';
import type { Handlers } from './api';
import type { Paths } from './paths';
import type { Clock, CommandRunner, HealthProbe, PortProbe, Spawner } from './ports';
import type { Settings } from './settings/schema';
import type { AlertingTimings } from './alerts/alerting';
import type { Notifier, Secrets } from './alerts/ports';
import type { SupervisionTimings } from './stack/timings';

/** Everything core needs from the outside world. The composition root (main/index.ts) passes real adapters. */
export interface CoreDeps {
  home: string;
  mode: 'electron' | 'serve';
  version: string;
  clock: Clock;
  spawner: Spawner;
  health: HealthProbe;
  ports: PortProbe;
  runner: CommandRunner;
  logger: Logger;
  /** Directories searched for binaries before PATH (default: /opt/homebrew/bin, /usr/local/bin). */
  binarySearchDirs?: string[];
  /** PATH used for the binary search (default: process.env.PATH). */
  envPath?: string;
  /** Supervision timings (tests shorten them). */
  timings?: Partial<SupervisionTimings>;
  /** Desktop notifications (node-notifier in browser mode, Electron's in the app); null or absent: none are shown, only logged. */
  notifier?: Notifier | null;
  /** Where receiver secrets are kept (default: 0600 files in the secrets dir; safeStorage in the app). */
  secrets?: Secrets;
  /** Alerting loop timings (tests shorten them). */
  alertTimings?: Partial<AlertingTimings>;
  /** The OTLP receiver's port instead of settings' traces.receiver.port (tests pass 0 for a free one). */
  otlpPort?: number;
}

/** The core as the shells see it: the contract's handlers, pushed events, and Lookout's own /metrics. */
export interface Core {
  readonly paths: Paths;
  readonly handlers: Handlers;
  /** Subscribe to a pushed event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
  /** Lookout's own metrics in the Prometheus text format. */
  metrics(): Promise<{ contentType: string; body: string }>;
  /** A body from Alertmanager's webhook receiver (main/core/alerts); throws BadRequestError when it is not one. */
  receiveAlertmanagerWebhook(payload: unknown): Promise<void>;
  /** Settings currently in force (the last valid ones). */
  settings(): Settings;
  /** Load settings, render and validate configs, adopt components that are still running. */
  init(): Promise<void>;
  /** Stop timers and watchers; also stop the stack when asked or when settings say stopOnExit. */
  dispose(opts?: { stopStack?: boolean }): Promise<void>;
}
