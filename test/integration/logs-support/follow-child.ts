/**
 * A process that follows one log file the way Lookout does and writes every record it hands on to
 * `out` (one JSON line: uid and message, fsync'd at each checkpoint, like a durable store), so a test
 * can SIGKILL it at any moment and check what was lost or repeated. Usage: follow-child.ts LOG STATE OUT
 */
import fs from 'node:fs';
import pino from 'pino';
import { systemClock } from '../../../main/core/adapters/clock';
import { createFileFollower } from '../../../main/core/logs/follow/follower';
import { createOffsetsStore } from '../../../main/core/logs/follow/offsets-store';
import { toRecords } from '../../../main/core/logs/to-records';

const [log, state, out] = process.argv.slice(2) as [string, string, string];
const fd = fs.openSync(out, 'a');
const follower = createFileFollower({
  offsets: createOffsetsStore(state),
  clock: systemClock,
  logger: pino({ level: 'silent' }),
  pollMs: 20,
  checkpointMs: 100,
  renameGraceMs: 300,
  watch: false,
  deliver(batch) {
    const text = toRecords(batch).map((r) => JSON.stringify({ uid: r.attributes['log.record.uid'], msg: r.message })).join('\n');
    fs.writeSync(fd, `${text}\n`);
  },
  async beforeCheckpoint() {
    fs.fsyncSync(fd);
  },
});
await follower.start([{ path: log, service: 'svc', source: 'file' }]);
process.stdout.write('ready\n');
setInterval(() => undefined, 1000); // stay alive until killed
