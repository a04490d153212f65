import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Paths } from './paths';
import { WEBHOOK_TOKEN_FILE } from './alerts/webhook';

/** A token is 32 random bytes in base64url: 43 characters, nothing that needs quoting in a header or a URL fragment. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43,}$/;

/**
 * The API token of a Lookout home: created once (dir 0700, file 0600) and reused, so a browser tab
 * opened with `#token=…` keeps working across restarts of `lookout serve`.
 */
export async function ensureToken(paths: Pick<Paths, 'tokenFile'>): Promise<string> {
  return ensureTokenFile(paths.tokenFile);
}

/**
 * The token Alertmanager sends to the webhook: the content of <secretsDir>/webhook-token, which the rendered
 * alertmanager.yml names as credentials_file. Read as core left it; created (random) if nothing wrote it yet.
 * Kept apart from the API token so Alertmanager's credential opens the webhook and nothing else.
 */
export async function ensureWebhookToken(paths: Pick<Paths, 'secretsDir'>): Promise<string> {
  return ensureTokenFile(path.join(paths.secretsDir, WEBHOOK_TOKEN_FILE));
}

/** Read the token in `file`, creating it (dir 0700, file 0600) with 32 random bytes when missing or unusable. */
export async function ensureTokenFile(file: string): Promise<string> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by umask and ignored for an existing dir; the secrets dir must not be listable by others.
  await chmod(dir, 0o700);
  const existing = await readToken(file);
  if (existing) return existing;

  const token = randomBytes(32).toString('base64url');
  try {
    // 'wx' so two instances starting at once cannot overwrite each other's token; the loser reads the winner's.
    // No trailing newline: Alertmanager sends credentials_file content as-is in the Authorization header.
    await writeFile(file, token, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const winner = await readToken(file);
    if (winner) return winner;
    // A file exists but holds no usable token (truncated, hand-edited): replace it.
    await writeFile(file, token, { mode: 0o600 });
  }
  await chmod(file, 0o600);
  return token;
}

async function readToken(file: string): Promise<string | null> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return TOKEN_PATTERN.test(text) ? text : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
