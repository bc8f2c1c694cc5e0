/**
 * The organic options: user-account analytics filters and split (also applied to the top-pins streams) and
 * the sort metrics of the top-pins streams. Pinterest's enums, from its OpenAPI description.
 */
import { z } from 'zod';
import enums from '../schemas/pinterest-enums.json';

const FILTERS = enums.user_account_filters;
const oneOf = (values: readonly string[]) => z.enum(values as [string, ...string[]]);

const filter = (name: keyof typeof FILTERS, title: string, description: string, order: number) =>
  oneOf(FILTERS[name])
    .optional()
    .meta({ title, description: `${description} Not sent when unset (Pinterest's default applies).`, order });

const sortBy = (values: readonly string[], title: string, description: string, order: number) =>
  z
    .array(oneOf(values))
    .min(1, 'must list at least one metric')
    .default(['IMPRESSION'])
    .meta({ title, description, order });

export const organicConfigFields = {
  content_type: filter(
    'content_type',
    'Organic Content Type',
    'PAID or ORGANIC: user-account analytics and top pins of paid or organic activity only (ALL: both).',
    19,
  ),
  app_types: filter('app_types', 'Organic App Types', 'MOBILE, TABLET or WEB: activity from those apps only.', 20),
  source: filter(
    'source',
    'Organic Source',
    "YOUR_PINS or OTHER_PINS: activity on the user's own Pins, or on others' Pins of the claimed accounts.",
    21,
  ),
  pin_format: filter('pin_format', 'Organic Pin Format', 'Activity on Pins of this format only.', 22),
  from_claimed_content: filter(
    'from_claimed_content',
    'Organic Claimed Content',
    'CLAIMED or OTHER: activity on Pins of the claimed domains, or on the others.',
    23,
  ),
  split_field: filter(
    'split_field',
    'Organic Split Field',
    'Splits user-account analytics by APP_TYPE, OWNED_CONTENT, SOURCE or PIN_FORMAT: each row then carries the dimension in split_field and its value in split_value, which joins the primary key.',
    24,
  ),
  top_pins_sort_by: sortBy(
    enums.top_pins_sort_by,
    'Top Pins Sort Metrics',
    'The metrics top_pins ranks by: one request (up to 50 Pins) per metric. Default: IMPRESSION.',
    25,
  ),
  top_video_pins_sort_by: sortBy(
    enums.top_video_pins_sort_by,
    'Top Video Pins Sort Metrics',
    'The metrics top_video_pins ranks by: one request (up to 50 Pins) per metric. Default: IMPRESSION.',
    26,
  ),
  organic_ad_account_id: z
    .string()
    .regex(/^\d{1,18}$/, 'must be a numeric ad account id (digits only, at most 18)')
    .optional()
    .meta({
      title: 'Organic Ad Account ID (Business Access)',
      description:
        "Read the organic data (profile, boards, pins, pin analytics and metrics, user-account analytics, top pins) of the owner of this ad account instead of the token's user, through Business Access: the token's user needs the Admin or Analyst role on it. check says which role is missing.",
      order: 27,
      examples: ['549755885175'],
    }),
};

/** `ad_account_id` for organic requests with Business Access (organic_ad_account_id), else nothing. */
export function organicAccountParams(c: { organic_ad_account_id?: string }): Record<string, string> {
  return c.organic_ad_account_id ? { ad_account_id: c.organic_ad_account_id } : {};
}

/** The filter query parameters the config sets (unset ones are not sent); split_field apart. */
export function organicFilterParams(c: Partial<Record<keyof typeof FILTERS, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(FILTERS) as Array<keyof typeof FILTERS>) {
    const v = c[name];
    if (v !== undefined && name !== 'split_field') out[name] = v;
  }
  return out;
}
