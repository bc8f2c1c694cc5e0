// What a token can see: boards and pins filtered by scopes and list parameters.
import type { Dataset, Json, PinMeta } from './types';
import { pinDay, pinLifetime, summarise, type DailyMetrics, type MetricsContext } from './metrics';
import { formatDay } from './rng';

export function visibleBoards(ds: Dataset, scopes: string[], privacy?: string): Json[] {
  const secretOk = scopes.includes('boards:read_secret');
  return ds.boards
    .filter((b) => {
      if (b.privacy === 'SECRET' && !secretOk) return false;
      switch (privacy) {
        case 'PUBLIC':
          return b.privacy === 'PUBLIC';
        case 'PROTECTED':
          return b.privacy === 'PROTECTED';
        case 'SECRET':
          return b.privacy === 'SECRET';
        case 'PUBLIC_AND_SECRET':
          return b.privacy !== 'PROTECTED';
        default:
          return true;
      }
    })
    .map((b) => b.item);
}

export function visiblePins(ds: Dataset, scopes: string[], includeProtected: boolean): PinMeta[] {
  const secretOk = scopes.includes('pins:read_secret') && scopes.includes('boards:read_secret');
  return ds.pins.filter((p) => (includeProtected || !p.protectedBoard) && (secretOk || !p.secretBoard));
}

/**
 * A pin as `pin_metrics=true` lists it, keys as the OpenAPI example writes them: `90d` and `lifetime_metrics`
 * objects of lower-case metrics (clickthrough is the outbound click). Lifetime metrics exist only where
 * Pinterest keeps them (video pins, and every format created from 2023-03-20): `{}` otherwise (UNCONFIRMED: {}
 * rather than absent). Pins the user does not own carry `pin_metrics: null` (UNCONFIRMED).
 */
export function pinWithMetrics(ctx: MetricsContext, p: PinMeta): Json {
  if (!p.owned) return { ...p.item, pin_metrics: null };
  const last90: DailyMetrics[] = [];
  for (let d = Math.max(ctx.todayDay - 89, p.createdDay); d <= ctx.todayDay; d++)
    last90.push(pinDay(ctx, p, d, ['IMPRESSION', 'OUTBOUND_CLICK', 'PIN_CLICK'], formatDay(d)));
  const sums = summarise(last90);
  const d90 = {
    pin_click: sums.PIN_CLICK ?? 0,
    impression: sums.IMPRESSION ?? 0,
    clickthrough: sums.OUTBOUND_CLICK ?? 0,
  };
  const totals = pinLifetime(ctx, p);
  // Lifetime: the 90 days plus what the pin gathered before them (a deterministic share of its age).
  const older = Math.max(0, ctx.todayDay - 89 - p.createdDay) / 90;
  const lifetime =
    totals.TOTAL_COMMENTS === undefined
      ? {}
      : {
          pin_click: d90.pin_click + Math.floor(d90.pin_click * older * 0.5),
          impression: d90.impression + Math.floor(d90.impression * older * 0.5),
          clickthrough: d90.clickthrough + Math.floor(d90.clickthrough * older * 0.5),
          reaction: totals.TOTAL_REACTIONS,
          comment: totals.TOTAL_COMMENTS,
        };
  return { ...p.item, pin_metrics: { '90d': d90, lifetime_metrics: lifetime } };
}
