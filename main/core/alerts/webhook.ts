/** Path of the Alertmanager → Lookout webhook on Lookout's own listener. */
export const WEBHOOK_PATH = '/api/v1/alertmanager/webhook';
/** File (in paths.secretsDir) holding the bearer token Alertmanager sends to the webhook. */
export const WEBHOOK_TOKEN_FILE = 'webhook-token';
