/**
 * Checks on the alert receivers that promtool and amtool cannot make, run before a rendered config
 * replaces the running one (Stack.render's `checkSettings` hook): every enabled receiver has its
 * secret, the Slack URL is an https URL, and the SMTP server answers. A failure is a ConfigError
 * naming the setting; the running rules and routes stay as they were.
 */
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';
import type { Paths } from '../paths';
import type { Settings } from '../settings/schema';
import { ConfigError } from '../stack/apply-config';
import { alertmanagerDocument } from './routing';
import { secretFile, secretProblem, type SecretName } from './secret-files';

/** Opens a TCP connection and closes it; rejects with the reason when it cannot. */
export type Connect = (host: string, port: number, timeoutMs: number) => Promise<void>;

export const SMTP_CONNECT_TIMEOUT_MS = 3_000;

/** A plain TCP connect: enough to tell a typo'd or unreachable SMTP server from a working one. */
export const tcpConnect: Connect = (host, port, timeoutMs) =>
  new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host, port });
    const done = (err?: Error) => {
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no answer within ${timeoutMs / 1000} s`)));
    socket.once('connect', () => done());
    socket.once('error', (err: NodeJS.ErrnoException) => done(new Error(err.code ? `${err.code}${err.message.includes(err.code) ? '' : `: ${err.message}`}` : err.message)));
  });

async function readSecret(paths: Pick<Paths, 'secretsDir'>, name: SecretName): Promise<string | null> {
  try {
    const text = await readFile(secretFile(paths.secretsDir, name), 'utf8');
    return text.length ? text : null;
  } catch {
    return null;
  }
}

/** The email_configs block of the alertmanager.yml in force, to skip the network check when nothing changed. */
async function liveEmailConfig(paths: Pick<Paths, 'stackDir'>): Promise<unknown> {
  try {
    const doc = parse(await readFile(path.join(paths.stackDir, 'alertmanager.yml'), 'utf8')) as { receivers?: Array<{ name?: string; email_configs?: unknown }> };
    return doc.receivers?.find((r) => r.name === 'email')?.email_configs ?? null;
  } catch {
    return null;
  }
}

function splitHostPort(hostPort: string): { host: string; port: number } {
  const i = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(hostPort.slice(i + 1)) };
}

export interface ReceiverCheckOptions {
  connect?: Connect;
}

/** The email_configs block these settings render (see routing.ts). */
function renderedEmail(settings: Settings, secretsDir: string): unknown {
  const doc = alertmanagerDocument(settings, { url: '', credentialsFile: '', secretsDir }) as { receivers: Array<{ name: string; email_configs?: unknown }> };
  return doc.receivers.find((r) => r.name === 'email')?.email_configs ?? null;
}

/** Throws ConfigError naming the setting when an enabled receiver cannot work. */
export async function checkReceivers(settings: Settings, paths: Pick<Paths, 'secretsDir' | 'stackDir'>, opts: ReceiverCheckOptions = {}): Promise<void> {
  const r = settings.alerts.receivers;
  const problems: string[] = [];

  if (r.slack.severities.length) {
    const url = await readSecret(paths, 'slackUrl');
    if (!url) problems.push('alerts.receivers.slack: Slack is enabled (slack.severities is not empty) but its webhook URL is not set; set the secret slackUrl (lookout secrets set slackUrl)');
    else {
      const problem = secretProblem('slackUrl', url.trim());
      if (problem) problems.push(`alerts.receivers.slack: the stored Slack webhook URL is malformed (${problem}); set the secret slackUrl again`);
    }
  }
  if (r.email.severities.length && r.email.username && !(await readSecret(paths, 'smtpPassword'))) {
    problems.push('alerts.receivers.email.username: an SMTP user is set but no password; set the secret smtpPassword (lookout secrets set smtpPassword)');
  }
  if (r.webhook.severities.length && r.webhook.sendToken && !(await readSecret(paths, 'webhookToken'))) {
    problems.push('alerts.receivers.webhook.sendToken: the webhook should send a token but none is set; set the secret webhookToken (lookout secrets set webhookToken)');
  }

  // Only when the email settings change: an unreachable server must not block unrelated edits (a laptop goes offline).
  if (!problems.length && r.email.severities.length && r.email.smarthost) {
    const live = await liveEmailConfig(paths);
    if (JSON.stringify(live) !== JSON.stringify(renderedEmail(settings, paths.secretsDir))) {
      const { host, port } = splitHostPort(r.email.smarthost);
      try {
        await (opts.connect ?? tcpConnect)(host, port, SMTP_CONNECT_TIMEOUT_MS);
      } catch (err) {
        problems.push(`alerts.receivers.email.smarthost: cannot reach the SMTP server ${r.email.smarthost} (${(err as Error).message}); check the host name and port`);
      }
    }
  }

  if (problems.length) throw new ConfigError(`${problems.join('\n')}\nThe running alert rules and routes stay as they were.`, null, '');
}
