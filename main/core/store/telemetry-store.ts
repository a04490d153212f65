/**
 * The embedded telemetry store: one DuckDB file (the lead puts it at `<home>/telemetry.duckdb`) with
 * the spans and log records of records.ts. Producers hand records to `sink` (a TelemetrySink); they
 * are buffered and appended in batches on a timer turn (write-buffer.ts), so a producer never waits
 * for the disk. Queries run on their own connection, off the main thread (DuckDB's worker threads).
 */
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { Logger } from 'pino';
import type { Clock, Timer } from '../ports';
import { appendLogs, appendSpans, appendTraceParts, traceParts } from './append-rows';
import { createLogQueries, type LogQueries } from './log-queries';
import { classifyOpenError, moveStoreAside, StoreOpenError } from './open-error';
import type { LogRecord, SpanRecord, TelemetrySink } from './records';
import { applyRetention, usedBytes, type RetentionLimits, type RetentionResult } from './retention';
import { DDL, SCHEMA_VERSION } from './schema';
import { createTraceQueries, type TraceQueries } from './trace-queries';
import { createWriteBuffer, type WriteBufferOptions, type WriteBufferStats } from './write-buffer';

export type StoreLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface TelemetryStoreOptions {
  /** The store file; its directory is created. */
  file: string;
  clock: Clock;
  logger?: StoreLogger;
  /** Batching of writes (defaults: 500 ms, 5,000 rows, 200,000 rows buffered per table). */
  buffer?: Partial<WriteBufferOptions>;
  /** Age and size limits; retention runs at open and every `retentionIntervalMs`. Default 7 d and 1 GB. */
  retention?: Partial<RetentionLimits>;
  /** Default 5 minutes. */
  retentionIntervalMs?: number;
  /** DuckDB's memory limit (default 256MB: a menubar app must not take DuckDB's 80 %-of-RAM default). */
  memoryLimit?: string;
  /** DuckDB worker threads (default 2). */
  threads?: number;
  /**
   * When the file cannot be opened (not a DuckDB file, damaged): move it aside and start a fresh store
   * (true), or throw a StoreOpenError naming the file (false, the default). A file locked by another
   * process is never moved.
   */
  recoverUnreadable?: boolean;
}

export interface TelemetryStoreStats {
  spans: WriteBufferStats;
  logs: WriteBufferStats;
  /** Records handed to the sink after close (not stored). */
  droppedAfterClose: number;
  /** Set when an unreadable file was moved aside at open. */
  movedAsideTo: string | null;
  lastRetention: RetentionResult | null;
}

export interface TelemetryStore {
  readonly file: string;
  /** Where producers hand records (batched, never blocking). */
  readonly sink: TelemetrySink;
  readonly traces: TraceQueries;
  readonly logs: LogQueries;
  /** Write everything buffered now (tests, benchmarks, shutdown). */
  flush(): void;
  /** Apply the age and size limits now. */
  applyRetention(): Promise<RetentionResult>;
  /** Bytes the data takes (used blocks + WAL), as the size limit sees it. */
  usedBytes(): Promise<number>;
  /** Write a consistent copy of everything stored so far into a new DuckDB file (for a backup). */
  backupTo(target: string): Promise<void>;
  stats(): TelemetryStoreStats;
  /** Flush, checkpoint and close; the sink drops (and counts) whatever comes after. */
  close(): Promise<void>;
}

export const DEFAULT_RETENTION: RetentionLimits = { maxAgeUs: 7 * 24 * 3_600_000_000, maxSizeBytes: 1024 ** 3 };
const DEFAULT_BUFFER: WriteBufferOptions = { flushMs: 500, flushRows: 5_000, maxRows: 200_000 };

async function openDatabase(file: string, opts: TelemetryStoreOptions): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(file, { memory_limit: opts.memoryLimit ?? '256MB', threads: String(opts.threads ?? 2) });
  try {
    // A damaged file can open and fail on first read: touch every table before calling it good.
    const conn = await instance.connect();
    try {
      for (const ddl of DDL) await conn.run(ddl);
      await conn.run(`INSERT OR REPLACE INTO lookout_meta VALUES ('schema_version', '${SCHEMA_VERSION}')`);
      for (const t of ['spans', 'trace_parts', 'logs']) await conn.run(`SELECT count(*) FROM ${t}`);
    } finally {
      conn.closeSync();
    }
  } catch (err) {
    instance.closeSync();
    throw err;
  }
  return instance;
}

/** Open (or create) the store. Throws StoreOpenError naming the file when it cannot be used. */
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

export async function openTelemetryStore(opts: TelemetryStoreOptions): Promise<TelemetryStore> {
  const { file, clock } = opts;
  await mkdir(path.dirname(file), { recursive: true });
  let movedAsideTo: string | null = null;
  let instance: DuckDBInstance;
  try {
    instance = await openDatabase(file, opts);
  } catch (err) {
    const openErr = classifyOpenError(file, err);
    if (openErr.kind !== 'unreadable' || !opts.recoverUnreadable) throw openErr;
    movedAsideTo = await moveStoreAside(file, new Date(clock.now()));
    opts.logger?.warn({ file, movedAsideTo, err: openErr.message }, 'telemetry store was unreadable; moved aside, starting a fresh one');
    try {
      instance = await openDatabase(file, opts);
    } catch (again) {
      throw classifyOpenError(file, again);
    }
  }
  // Telemetry can carry what users log: owner-only, like every file Lookout writes.
  await chmod(file, 0o600).catch(() => undefined);

  const writer = await instance.connect();
  const reader = await instance.connect();
  const maint = await instance.connect();
  let spanAppender: DuckDBAppender = await writer.createAppender('spans');
  let partAppender: DuckDBAppender = await writer.createAppender('trace_parts');
  let logAppender: DuckDBAppender = await writer.createAppender('logs');
  let appendersBroken = false;
  const reopenAppenders = async () => {
    for (const a of [spanAppender, partAppender, logAppender]) {
      try {
        a.closeSync();
      } catch {
        // an appender that failed may refuse to close; it is replaced either way
      }
    }
    spanAppender = await writer.createAppender('spans');
    partAppender = await writer.createAppender('trace_parts');
    logAppender = await writer.createAppender('logs');
    appendersBroken = false;
  };

  const bufferOpts = { ...DEFAULT_BUFFER, ...opts.buffer };
  const onWriteError = (what: string) => (err: unknown, lost: number) => {
    appendersBroken = true;
    opts.logger?.error({ err, file, lost }, `telemetry store could not write ${what}`);
    reopenAppenders().catch((e: unknown) => opts.logger?.error({ err: e, file }, 'telemetry store could not reopen its appenders'));
  };
  const spanBuffer = createWriteBuffer<SpanRecord>(clock, bufferOpts, (batch) => {
    if (appendersBroken) throw new Error('appenders are being reopened after a failed write');
    appendSpans(spanAppender, batch);
    appendTraceParts(partAppender, traceParts(batch));
    spanAppender.flushSync();
    partAppender.flushSync();
  }, onWriteError('spans'));
  const logBuffer = createWriteBuffer<LogRecord>(clock, bufferOpts, (batch) => {
    if (appendersBroken) throw new Error('appenders are being reopened after a failed write');
    appendLogs(logAppender, batch);
    logAppender.flushSync();
  }, onWriteError('logs'));

  const limits: RetentionLimits = { ...DEFAULT_RETENTION, ...opts.retention };
  const nowUs = () => clock.now() * 1000;
  let lastRetention: RetentionResult | null = null;
  let closed = false;
  let droppedAfterClose = 0;
  let retentionTimer: Timer | null = null;
  let retentionRun: Promise<RetentionResult> | null = null;

  const runRetention = (): Promise<RetentionResult> => {
    retentionRun ??= applyRetention(maint, limits, nowUs())
      .then((r) => {
        lastRetention = r;
        if (r.deletedSpans + r.deletedLogs > 0) opts.logger?.info({ ...r, file }, 'telemetry store retention deleted old rows');
        return r;
      })
      .finally(() => {
        retentionRun = null;
      });
    return retentionRun;
  };
  const scheduleRetention = () => {
    retentionTimer = clock.setTimeout(() => {
      if (closed) return;
      runRetention()
        .catch((err: unknown) => opts.logger?.error({ err, file }, 'telemetry store retention failed'))
        .finally(() => {
          if (!closed) scheduleRetention();
        });
    }, opts.retentionIntervalMs ?? 5 * 60_000);
  };
  await runRetention();
  scheduleRetention();

  return {
    file,
    sink: {
      spans(batch) {
        if (closed) droppedAfterClose += batch.length;
        else spanBuffer.push(batch);
      },
      logs(batch) {
        if (closed) droppedAfterClose += batch.length;
        else logBuffer.push(batch);
      },
    },
    traces: createTraceQueries(reader, nowUs),
    logs: createLogQueries(reader, nowUs),
    flush() {
      spanBuffer.flushNow();
      logBuffer.flushNow();
    },
    applyRetention: runRetention,
    usedBytes: () => usedBytes(maint),
    async backupTo(target) {
      spanBuffer.flushNow();
      logBuffer.flushNow();
      // DuckDB copies a database inside one transaction: consistent while writes go on, and no file copy
      // of a database that is open for writing.
      const db = String(((await (await maint.runAndReadAll('SELECT current_database() AS db')).getRowObjectsJS())[0] as { db: string }).db);
      await maint.run(`ATTACH ${sqlString(target)} AS lookout_backup`);
      try {
        await maint.run(`COPY FROM DATABASE "${db.replace(/"/g, '""')}" TO lookout_backup`);
      } finally {
        await maint.run('DETACH lookout_backup');
      }
    },
    stats: () => ({ spans: spanBuffer.stats(), logs: logBuffer.stats(), droppedAfterClose, movedAsideTo, lastRetention }),
    async close() {
      if (closed) return;
      closed = true;
      if (retentionTimer !== null) clock.clearTimeout(retentionTimer);
      await retentionRun?.catch(() => undefined);
      spanBuffer.flushNow();
      logBuffer.flushNow();
      spanBuffer.stop();
      logBuffer.stop();
      for (const a of [spanAppender, partAppender, logAppender]) {
        try {
          a.closeSync();
        } catch (err) {
          opts.logger?.warn({ err, file }, 'telemetry store appender did not close cleanly');
        }
      }
      try {
        await maint.run('CHECKPOINT');
      } finally {
        for (const c of [writer, reader, maint] as DuckDBConnection[]) c.closeSync();
        instance.closeSync();
      }
    },
  };
}

export { StoreOpenError, moveStoreAside };
