/**
 * The set-up lookups of a read, each made once and shared by every stream: the token's user account and
 * the ad accounts (the configured ones, each fetched for its currency, or every account the token reads).
 */
import { configError } from '../errors';
import { ApiError } from '../http/errors';
import type { Requester } from '../http/requester';
import { bookmarkPages } from './paginator';

interface UserAccount {
  id: string;
  username: string;
  /** Pinterest's whole answer (the user_account stream's record). */
  item: Record<string, unknown>;
}
/** An ad account of the read: its id, its currency, and Pinterest's whole item (the ad_accounts stream's record). */
interface AdAccount {
  id: string;
  currency: string;
  name?: string;
  item: Record<string, unknown>;
}

export class AccountLookups {
  private user?: Promise<UserAccount>;
  private adAccounts?: Promise<AdAccount[]>;

  constructor(
    private readonly requester: Requester,
    private readonly configuredAdAccounts: string[] | undefined,
    /** organic_ad_account_id: the profile is that ad account's owner's (Business Access). */
    private readonly organicAdAccountId?: string,
  ) {}

  userAccount(): Promise<UserAccount> {
    this.user ??= (async () => {
      const body = await this.profile();
      if (typeof body?.username !== 'string' || body.username === '') {
        throw configError("Pinterest returned no username for the token's user account (GET /user_account).");
      }
      return {
        id: body.id === undefined || body.id === null ? body.username : String(body.id),
        username: body.username,
        item: body,
      };
    })();
    return this.user;
  }

  private async profile(): Promise<Record<string, unknown>> {
    const id = this.organicAdAccountId;
    try {
      return await this.requester.json<Record<string, unknown>>({
        path: '/user_account',
        category: 'org_read',
        query: id ? { ad_account_id: id } : undefined,
      });
    } catch (err) {
      if (id && err instanceof ApiError && (err.status === 403 || err.status === 404)) {
        // UNCONFIRMED which Business Access roles allow organic data; Pinterest's descriptions name none.
        throw configError(
          `The token's user cannot read the profile that owns ad account ${id} ('organic_ad_account_id') through Business Access (HTTP ${err.status}: ${err.apiMessage}). Its organic data needs the ANALYST role (or ADMIN) on that ad account: ask the account's owner to grant it in Business Access, or remove 'organic_ad_account_id'.`,
        );
      }
      throw err;
    }
  }

  listAdAccounts(): Promise<AdAccount[]> {
    this.adAccounts ??= (async () => {
      if (this.configuredAdAccounts && this.configuredAdAccounts.length > 0) {
        const unique = [...new Set(this.configuredAdAccounts)];
        return Promise.all(unique.map((id) => this.adAccount(id)));
      }
      const out: AdAccount[] = [];
      for await (const page of bookmarkPages(this.requester, { path: '/ad_accounts', category: 'ads_read' })) {
        for (const item of page) out.push(toAdAccount(item as Record<string, unknown>));
      }
      return out;
    })();
    return this.adAccounts;
  }

  private async adAccount(id: string): Promise<AdAccount> {
    try {
      const body = await this.requester.json<Record<string, unknown>>({
        path: `/ad_accounts/${id}`,
        category: 'ads_read',
      });
      return toAdAccount(body);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
        throw configError(
          `No access to ad account ${id} (HTTP ${err.status}: ${err.apiMessage}). Check the id in 'ad_account_ids', or give the token's user a role on that account.`,
        );
      }
      throw err;
    }
  }
}

function toAdAccount(item: Record<string, unknown>): AdAccount {
  if (item === null || typeof item !== 'object' || item.id === undefined || item.id === null) {
    throw configError('Pinterest returned an ad account without an id.');
  }
  return {
    id: String(item.id),
    currency: typeof item.currency === 'string' ? item.currency : 'UNK',
    name: typeof item.name === 'string' ? item.name : undefined,
    item,
  };
}
