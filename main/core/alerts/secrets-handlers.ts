/**
 * The receivers' secrets (Slack URL, SMTP password, webhook token) through the contract: set and
 * cleared, never read back. Split out of alerting.ts (issue 18.3): secrets belong to the receivers,
 * not to the alert list; a change re-renders the configs, since a receiver may work now, or no longer.
 */
import type { Logger } from 'pino';
import { BadRequestError, type Handlers } from '../api';
import type { Secrets } from './ports';
import { SECRET_SETTING, secretProblem } from './secret-files';

export type SecretsChannels = 'secrets:get' | 'secrets:set' | 'secrets:clear';

export interface SecretsHandlersDeps {
  secrets: Secrets;
  logger: Logger;
  /** Re-render and apply the configs. */
  reapply(): Promise<void>;
}

export function secretsHandlers(deps: SecretsHandlersDeps): Pick<Handlers, SecretsChannels> {
  return {
    'secrets:get': async () => deps.secrets.status(),
    'secrets:set': async (req) => {
      const value = req.value.trim();
      const problem = secretProblem(req.name, value);
      if (problem) throw new BadRequestError(`${SECRET_SETTING[req.name]}: ${problem.replace(/^\w+: /, '')}`);
      await deps.secrets.set(req.name, value);
      deps.logger.info({ secret: req.name }, 'secret set');
      await deps.reapply();
      return deps.secrets.status();
    },
    'secrets:clear': async (req) => {
      await deps.secrets.clear(req.name);
      deps.logger.info({ secret: req.name }, 'secret cleared');
      await deps.reapply();
      return deps.secrets.status();
    },
  };
}
