/**
 * One wording for a tool Lookout looked for and did not find, and install advice that follows the
 * platform (issue 16.9). Before, the same failure read "not found: notify-send" or "notify-send must be
 * installed on the system" depending on the call, and a Mac was told `apt-get` first.
 *
 *   <tool> not found in PATH        searched on PATH
 *   <tool> not found at <path>      an absolute path (macOS system tools, a `binary` setting)
 *   … ; install it: <command>       when Lookout knows how
 */

/** How to install something, per package manager. */
export interface InstallCommands {
  /** Homebrew (macOS). */
  brew: string;
  /** apt-get (Debian, Ubuntu). */
  apt: string;
}

/** The install command for this platform: Homebrew on a Mac, apt-get on Linux; both (named) elsewhere. */
export function installAdvice(cmds: InstallCommands, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return cmds.brew;
  if (platform === 'linux') return cmds.apt;
  return `${cmds.brew} (macOS) or ${cmds.apt} (Debian, Ubuntu)`;
}

/** `<tool> not found in PATH` or `<tool> not found at <path>`, plus the install advice when given. */
export function toolNotFound(tool: string, opts: { at?: string; install?: string } = {}): string {
  const where = opts.at && opts.at.includes('/') ? `at ${opts.at}` : 'in PATH';
  return `${tool} not found ${where}${opts.install ? `; install it: ${opts.install}` : ''}`;
}
