/**
 * Entry of the core host process (dist/main/core-host.js): the menubar app forks it as an Electron
 * utilityProcess (main/electron/utility-core.ts); the tests fork it with child_process.fork. Run by hand
 * it has no parent port and refuses: `lookout serve` is the headless Lookout.
 */
import { runHost } from './host';
import { processParentPort } from './parent-link';

const port = processParentPort();
if (!port) {
  process.stderr.write('lookout core host: no parent port; the menubar app starts this process (for a headless Lookout, run `lookout serve`)\n');
  process.exit(2);
}
void runHost({ port, argv: process.argv.slice(2) });
