import type { InstallFailureKind, InstallPhase } from '../../../common/install';

/** What one line of `brew install` output tells. */
export interface BrewLine {
  phase?: InstallPhase;
  message?: string;
  percent?: number;
  /** An error line (brew's `Error:`, a failed download `✘`, curl's own message). */
  error?: string;
  failureKind?: InstallFailureKind;
  /** From the summary line (`🍺  …/Cellar/<formula>/<version>: N files, M MB`) or "already installed". */
  version?: string;
  formula?: string;
  cellar?: string;
  alreadyInstalled?: boolean;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * Read one line of `brew install` output (stdout and stderr alike). Formats from Homebrew's own source
 * (github.com/Homebrew/brew, Library/Homebrew): headings are `==> <title>` (utils/output.rb `ohai`/`oh1`);
 * `formula_installer.rb` prints `Fetching downloads for: <formula>`, `Pouring <bottle file>` and the summary
 * `🍺  <Cellar path>: <N> files, <size>` (the badge is HOMEBREW_INSTALL_BADGE, absent with
 * HOMEBREW_NO_EMOJI); `download_queue.rb` prints `✔︎ Bottle <name> (<version>)` / `✘ …` per finished
 * download when stdout is not a terminal, and `######  45.6%` bars only on a terminal (curl gets
 * `--silent` otherwise, utils/curl.rb). Errors are `Error: …` (`onoe`), warnings `Warning: …` (`opoo`).
 * Returns null for lines that say nothing we use.
 */
export function parseBrewLine(raw: string): BrewLine | null {
  const line = raw.replace(ANSI, '').trim();
  if (!line) return null;
  let m: RegExpExecArray | null;
  if ((m = /^==> (.+)$/.exec(line))) return heading(m[1]!.trim());
  if ((m = /^✔\uFE0E?\s+(.+)$/.exec(line))) return { phase: /^(JSON API|API Source)/.test(m[1]!) ? 'resolving' : 'downloading', message: `Downloaded ${m[1]}` };
  if ((m = /^✘\uFE0E?\s+(.+)$/.exec(line))) return { phase: 'downloading', error: `download failed: ${m[1]}` };
  if ((m = /^#+\s*(\d{1,3}(?:\.\d)?)%$/.exec(line)) || (m = /^#=#=#\s*$/.exec(line))) return { phase: 'downloading', percent: m[1] ? Math.min(100, Number(m[1])) : undefined };
  if ((m = /^(?:🍺\s+)?(\S*\/Cellar\/([^/\s]+)\/([^/:\s]+)): (\d[\d,]* files?, .+)$/.exec(line))) {
    return { phase: 'unpacking', message: `Installed ${m[2]} ${m[3]} (${m[4]})`, formula: m[2], version: m[3], cellar: m[1] };
  }
  if ((m = /^Warning: (\S+) (\S+) is already installed and up-to-date\.?/.exec(line))) {
    return { phase: 'unpacking', message: `${m[1]} ${m[2]} is already installed`, formula: m[1]!.split('/').pop(), version: m[2], alreadyInstalled: true };
  }
  if ((m = /^Warning: No available formula (?:or cask )?with the name "([^"]+)"/.exec(line))) {
    return { error: `Homebrew has no formula named "${m[1]}"`, failureKind: 'unknown-formula' };
  }
  if ((m = /^curl: \((\d+)\) (.+)$/.exec(line))) return { error: line, failureKind: curlKind(Number(m[1])) };
  if ((m = /^Error: (.+)$/.exec(line))) {
    const text = m[1]!;
    return { error: text, failureKind: /^No (?:available )?formulae?(?: or casks?)? (?:found for|with the name)/.test(text) ? 'unknown-formula' : undefined };
  }
  return null;
}

function heading(title: string): BrewLine {
  if (/^Auto-updat/.test(title)) return { phase: 'resolving', message: title };
  if (/^(Fetching|Downloading)\b/.test(title)) return { phase: 'downloading', message: title };
  if (/^(Pouring|Installing|Linking|Caveats|Summary|Running `brew cleanup`|Finishing up)/.test(title)) return { phase: 'unpacking', message: title };
  return { message: title };
}

/** curl's exit codes (curl(1) "EXIT CODES") for what a network failure looks like to a user. */
function curlKind(code: number): InstallFailureKind {
  if (code === 6 || code === 5) return 'dns';
  if (code === 7) return 'refused';
  if (code === 28) return 'timeout';
  return 'network';
}
