// The routing table: which path is which endpoint, its rate-limit category and required scopes.
import type { Level, RateCategory } from './types';

export type RouteName =
  | 'token'
  | 'user_account'
  | 'user_account_analytics'
  | 'followers'
  | 'interests'
  | 'ad_accounts'
  | 'ad_account'
  | 'entities'
  | 'ads_analytics'
  | 'targeting_analytics'
  | 'boards'
  | 'pins'
  | 'pin_analytics'
  | 'more_lists'
  | 'reports';

export interface Route {
  name: RouteName;
  method: 'GET' | 'POST';
  category: RateCategory | 'none';
  scopes: string[];
  params: Record<string, string>;
  analytics: boolean;
  level?: Level;
  /** which of the other lists (more_lists) */
  list?: 'audiences' | 'customer_lists' | 'conversion_tags' | 'keywords' | 'board_sections' | 'board_pins' | 'board_section_pins' | 'catalogs' | 'feeds' | 'product_groups';
}

const LEVEL_OF_SEGMENT: Record<string, Level> = { campaigns: 'campaign', ad_groups: 'ad_group', ads: 'ad' };

export function matchRoute(p: string): Route | null {
  const seg = p.split('/').slice(1);
  const r = (name: RouteName, category: RateCategory, scopes: string[], params: Record<string, string> = {}, extra: Partial<Route> = {}): Route => ({
    name,
    method: 'GET',
    category,
    scopes,
    params,
    analytics: false,
    ...extra,
  });
  const n = seg.length;
  if (p === '/oauth/token') return { name: 'token', method: 'POST', category: 'org_read', scopes: [], params: {}, analytics: false };
  if (p === '/user_account') return r('user_account', 'org_read', ['user_accounts:read']);
  if (p === '/user_account/analytics') return r('user_account_analytics', 'org_analytics', ['user_accounts:read'], {}, { analytics: true });
  if (p === '/user_account/followers') return r('followers', 'ads_read', ['user_accounts:read']);
  if (n === 4 && seg[0] === 'users' && seg[2] === 'interests' && seg[3] === 'follow')
    return r('interests', 'org_read', ['user_accounts:read'], { username: decodeURIComponent(seg[1]) });
  if (p === '/boards') return r('boards', 'org_read', ['boards:read']);
  if (seg[0] === 'boards' && n >= 3) {
    const board_id = decodeURIComponent(seg[1]);
    if (n === 3 && seg[2] === 'sections') return r('more_lists', 'org_read', ['boards:read'], { board_id }, { list: 'board_sections' });
    if (n === 3 && seg[2] === 'pins') return r('more_lists', 'org_read', ['boards:read', 'pins:read'], { board_id }, { list: 'board_pins' });
    if (n === 5 && seg[2] === 'sections' && seg[4] === 'pins')
      return r('more_lists', 'org_read', ['boards:read', 'pins:read'], { board_id, section_id: decodeURIComponent(seg[3]) }, { list: 'board_section_pins' });
  }
  if (p === '/catalogs') return r('more_lists', 'catalogs_read', ['catalogs:read'], {}, { list: 'catalogs' });
  if (p === '/catalogs/feeds') return r('more_lists', 'catalogs_read', ['catalogs:read'], {}, { list: 'feeds' });
  if (p === '/catalogs/product_groups') return r('more_lists', 'catalogs_read', ['catalogs:read'], {}, { list: 'product_groups' });
  if (p === '/pins') return r('pins', 'org_read', ['boards:read', 'pins:read']);
  if (n === 3 && seg[0] === 'pins' && seg[2] === 'analytics')
    return r('pin_analytics', 'org_analytics', ['boards:read', 'pins:read'], { pin_id: decodeURIComponent(seg[1]) }, { analytics: true });
  if (seg[0] === 'ad_accounts') {
    if (n === 1) return r('ad_accounts', 'ads_read', ['ads:read']);
    const id = decodeURIComponent(seg[1]);
    if (n === 2) return r('ad_account', 'ads_read', ['ads:read'], { ad_account_id: id });
    if (n === 3 && seg[2] === 'analytics') return r('ads_analytics', 'ads_analytics', ['ads:read'], { ad_account_id: id }, { level: 'ad_account', analytics: true });
    if (n === 3 && seg[2] === 'targeting_analytics')
      return r('targeting_analytics', 'ads_analytics', ['ads:read'], { ad_account_id: id }, { level: 'ad_account', analytics: true });
    if (n === 3 && ['audiences', 'customer_lists', 'conversion_tags', 'keywords'].includes(seg[2]))
      return r('more_lists', 'ads_read', ['ads:read'], { ad_account_id: id }, { list: seg[2] as Route['list'] });
    if (n === 3 && seg[2] === 'reports') return r('reports', 'ads_analytics', ['ads:read'], { ad_account_id: id });
    const level = LEVEL_OF_SEGMENT[seg[2]];
    if (!level) return null;
    if (n === 3) return r('entities', 'ads_read', ['ads:read'], { ad_account_id: id }, { level });
    if (n === 4 && seg[3] === 'analytics') return r('ads_analytics', 'ads_analytics', ['ads:read'], { ad_account_id: id }, { level, analytics: true });
    if (n === 4 && seg[3] === 'targeting_analytics')
      return r('targeting_analytics', 'ads_analytics', ['ads:read'], { ad_account_id: id }, { level, analytics: true });
  }
  return null;
}
