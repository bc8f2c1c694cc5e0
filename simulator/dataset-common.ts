// What every part of the data generator shares: the generation context (seed, today, sizes, the
// sequential random stream, the user's identity) and small formatting helpers and word lists.
import type { Rng } from './rng';
import type { SizeKnobs } from './types';

export interface GenerationContext {
  seed: number;
  todayDay: number;
  /** first day with data (today − 120) */
  dataStartDay: number;
  /** "now" of the generated account, in epoch seconds */
  nowSec: number;
  /** seed-dependent id offset */
  off: number;
  k: SizeKnobs;
  /** sequential random stream: the generators draw from it in a fixed order */
  r: Rng;
  username: string;
  userId: string;
}

export const TOPICS = [
  'Home Décor',
  'Recipes',
  'Outfits',
  'Garden',
  'Wedding',
  'Travel',
  'Beauty',
  'DIY',
  'Fitness',
  'Kids',
];
export const FANCY = [
  '– Noël 🎄',
  '· インテリア',
  '(ß-test) "quoted"',
  '— Café & Crème',
  '🔥 Best sellers',
  ' / Größe',
];

export function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
