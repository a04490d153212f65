/**
 * Typed errors of the alerting area (issue 18.3): callers branch on the class and its fields, never on
 * message text. An error a user can correct extends BadRequestError, which the API answers with 400.
 */
import { BadRequestError } from '../api';

/** Alertmanager could not be reached at all (refused, timed out): nothing was answered. */
export class AlertmanagerUnreachableError extends Error {
  override readonly name = 'AlertmanagerUnreachableError';
}

/** Alertmanager answered with an HTTP error; `status` is its code, `body` what it said (trimmed). */
export class AlertmanagerRefusedError extends Error {
  override readonly name = 'AlertmanagerRefusedError';
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(message);
  }
}

/** No silence with this id (in Alertmanager, or among Lookout's own): the user asked for one that is not there. */
export class SilenceNotFoundError extends BadRequestError {
  override readonly name = 'SilenceNotFoundError';
  constructor(readonly id: string) {
    super(`no silence with id ${id}`);
  }
}
