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

export function pinWithMetrics(ctx: MetricsContext, p: PinMeta): Json {
  if (!p.owned) return { ...p.item, pin_metrics: null };
  const last90: DailyMetrics[] = [];
  for (let d = ctx.todayDay - 89; d <= ctx.todayDay; d++)
    last90.push(pinDay(ctx, p, d, ['IMPRESSION', 'OUTBOUND_CLICK', 'PIN_CLICK', 'SAVE', 'SAVE_RATE'], formatDay(d)));
  return { ...p.item, pin_metrics: { '90d': summarise(last90), lifetime_metrics: pinLifetime(ctx, p) } };
}
