import { ConnectorError, type FailureType } from '../errors';

/** Pinterest answered with an error status that is not worth retrying (or retries ran out). */
export class ApiError extends ConnectorError {
  constructor(
    readonly status: number,
    readonly apiCode: number | undefined,
    readonly apiMessage: string,
    readonly request: string,
    failureType: FailureType,
    message?: string,
  ) {
    super(
      message ??
        `Pinterest refused ${request} (HTTP ${status}${apiCode !== undefined ? `, code ${apiCode}` : ''}): ${apiMessage}`,
      failureType,
    );
    this.name = 'ApiError';
  }
}

/**
 * Retries ran out on timeouts, 5xx answers or broken bodies. Analytics readers split the date window in
 * halves on this error (a smaller response may get through) before they give up.
 */
export class RetriesExhaustedError extends ConnectorError {
  /** `unresolvedHost`: the last attempts failed on DNS, on this side. */
  constructor(
    readonly request: string,
    readonly attempts: number,
    readonly lastProblem: string,
    unresolvedHost?: string,
  ) {
    super(
      unresolvedHost
        ? `Could not reach Pinterest for ${request} after ${attempts} attempts: the name ${unresolvedHost} did not resolve (last problem: ${lastProblem}). Check the network and DNS of the machine running the connector (or PINTEREST_API_URL); the next sync resumes from the saved state.`
        : `Pinterest did not answer ${request} after ${attempts} attempts (last problem: ${lastProblem}). This is usually an outage at Pinterest; the next sync resumes from the saved state.`,
      'transient_error',
    );
    this.name = 'RetriesExhaustedError';
  }
}

/** A response body larger than the configured limit: the caller asks for less (a shorter window). */
export class ResponseTooLargeError extends ConnectorError {
  constructor(
    readonly request: string,
    readonly bytes: number | undefined,
    readonly limit: number,
  ) {
    super(
      `The response to ${request} is larger than the limit of ${limit} bytes${bytes !== undefined ? ` (${bytes} bytes)` : ''}.`,
      'transient_error',
    );
    this.name = 'ResponseTooLargeError';
  }
}
