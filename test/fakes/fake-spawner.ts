import type { ExitInfo, ProcessHandle, SpawnRequest, Spawner } from '../../main/core/ports';

/** A fake process: records signals and exits when told to (or on SIGTERM/SIGKILL, per its behaviour). */
export class FakeProcess implements ProcessHandle {
  readonly signals: string[] = [];
  alive = true;
  private resolveExit!: (info: ExitInfo) => void;
  readonly exited = new Promise<ExitInfo>((resolve) => (this.resolveExit = resolve));

  constructor(
    readonly pid: number,
    readonly req: SpawnRequest | null,
    /** 'graceful': exits on SIGTERM; 'stubborn': ignores SIGTERM, dies on SIGKILL. */
    private readonly onTerm: 'graceful' | 'stubborn' = 'graceful',
  ) {}

  kill(signal: NodeJS.Signals): boolean {
    if (!this.alive) return false;
    this.signals.push(signal);
    if (signal === 'SIGKILL' || (signal === 'SIGTERM' && this.onTerm === 'graceful')) this.exit({ code: null, signal });
    return true;
  }

  /** Simulate the process ending by itself (a crash). */
  exit(info: ExitInfo): void {
    if (!this.alive) return;
    this.alive = false;
    this.resolveExit(info);
  }
}

/** A fake Spawner: hands out FakeProcesses and remembers them. */
export class FakeSpawner implements Spawner {
  readonly spawned: FakeProcess[] = [];
  /** Processes that `attach` can find, keyed by pid, with their command lines. */
  readonly existing = new Map<number, { proc: FakeProcess; argv: string[] }>();
  behaviour: 'graceful' | 'stubborn' = 'graceful';
  private nextPid = 4000;

  async spawn(req: SpawnRequest): Promise<ProcessHandle> {
    const proc = new FakeProcess(this.nextPid++, req, this.behaviour);
    this.spawned.push(proc);
    this.existing.set(proc.pid, { proc, argv: [req.command, ...req.args] });
    return proc;
  }

  attach(pid: number): ProcessHandle | null {
    const found = this.existing.get(pid);
    return found && found.proc.alive ? found.proc : null;
  }

  async commandLine(pid: number): Promise<string[] | null> {
    const found = this.existing.get(pid);
    return found && found.proc.alive ? found.argv : null;
  }

  get last(): FakeProcess {
    const p = this.spawned.at(-1);
    if (!p) throw new Error('nothing spawned');
    return p;
  }

  alive(): FakeProcess[] {
    return this.spawned.filter((p) => p.alive);
  }
}
