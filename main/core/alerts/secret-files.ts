/**
 * The receivers' secrets: which file in $LOOKOUT_HOME/secrets holds each one (Alertmanager reads them
 * through `*_file` options, so they never appear in alertmanager.yml or settings.json), and what a
 * valid value looks like.
 */
import path from 'node:path';
import { SECRET_NAMES, type SecretName } from '../../../common/model';

export { SECRET_NAMES, type SecretName };

/**
 * File names under the secrets dir. Prefixed `alert-` so none can be confused with Lookout's own
 * `webhook-token` (the credential Alertmanager presents to Lookout's webhook).
 */
export const SECRET_FILES: Record<SecretName, string> = {
  slackUrl: 'alert-slack-url',
  smtpPassword: 'alert-smtp-password',
  webhookToken: 'alert-webhook-token',
};

/** The settings field each secret belongs to, for error messages. */
export const SECRET_SETTING: Record<SecretName, string> = {
  slackUrl: 'alerts.receivers.slack (secret slackUrl)',
  smtpPassword: 'alerts.receivers.email.username (secret smtpPassword)',
  webhookToken: 'alerts.receivers.webhook.sendToken (secret webhookToken)',
};

export const secretFile = (secretsDir: string, name: SecretName): string => path.join(secretsDir, SECRET_FILES[name]);

/** Why a value cannot be used for this secret, naming it; null when it is fine. */
export function secretProblem(name: SecretName, value: string): string | null {
  if (!value) return `${name}: must not be empty`;
  if (/[\r\n]/.test(value)) return `${name}: must be one line`;
  if (name === 'slackUrl') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'slackUrl: must be a Slack incoming-webhook URL such as https://hooks.slack.com/services/T000/B000/XXXX';
    }
    if (url.protocol !== 'https:') return 'slackUrl: must be an https:// URL (Slack incoming webhooks are https)';
    if (!url.hostname.includes('.')) return `slackUrl: "${url.hostname}" is not a host name`;
  }
  if (name === 'webhookToken' && /\s/.test(value)) return 'webhookToken: must not contain spaces (it is sent as "Authorization: Bearer <token>")';
  return null;
}
