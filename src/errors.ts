/** Airbyte's failure types: who has to act on an error. */
export type FailureType = 'config_error' | 'transient_error' | 'system_error';

/**
 * An error the connector understands: a user-facing message, the failure type that tells the platform
 * who must act, and an optional internal message for the logs. Anything else thrown is a bug (system_error).
 */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly failureType: FailureType,
    readonly internalMessage?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectorError';
  }
}

export const configError = (message: string, internal?: string) =>
  new ConnectorError(message, 'config_error', internal);

/** Raised when a rate-limit category's quota is spent for longer than max_rate_limit_wait_seconds. */
export class QuotaExhaustedError extends ConnectorError {
  constructor(
    readonly category: string,
    readonly resetAtMs: number | undefined,
    message: string,
  ) {
    super(message, 'transient_error');
    this.name = 'QuotaExhaustedError';
  }
}

export function failureTypeOf(err: unknown): FailureType {
  return err instanceof ConnectorError ? err.failureType : 'system_error';
}

export function messageOf(err: unknown): string {
  if (err instanceof ConnectorError) return err.message;
  if (err instanceof Error) return `Unexpected error: ${err.message}`;
  return `Unexpected error: ${String(err)}`;
}
