/** What a spawned connector needs to run against a simulator: its environment and a config with its credentials. */
import type { Simulator } from '../simulator';
import { TODAY, type Json } from './constants';

/** The simulator's URL, the fixed calendar, no client-side rate limiting, millisecond backoff. */
export function connectorEnv(sim: Simulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PINTEREST_API_URL: sim.url,
    PINTEREST_TODAY: TODAY,
    PINTEREST_RATE_LIMITS: 'off',
    PINTEREST_RETRY_BASE_MS: '1',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** An OAuth config with the simulator's app credentials and refresh token (30-day windows, 3 days of lookback). */
export function oauthConfig(sim: Simulator, extra: Json = {}): Json {
  return {
    credentials: {
      auth_method: 'oauth2.0',
      client_id: sim.credentials.clientId,
      client_secret: sim.credentials.clientSecret,
      refresh_token: sim.credentials.refreshToken,
    },
    window_days: 30,
    lookback_days: 3,
    ...extra,
  };
}

export function accessTokenConfig(sim: Simulator, extra: Json = {}): Json {
  return {
    credentials: { auth_method: 'access_token', access_token: sim.credentials.staticAccessToken },
    window_days: 30,
    lookback_days: 3,
    ...extra,
  };
}
