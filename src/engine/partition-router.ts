import type { Partition, PartitionKind } from './definition';
import type { ReadContext } from './context';

/** The partitions of a stream: nothing, the token's user, each ad account, or each owned pin. */
export async function resolvePartitions(kind: PartitionKind, ctx: ReadContext): Promise<Partition[]> {
  switch (kind) {
    case 'none':
      return [{}];
    case 'user': {
      const user = await ctx.partitions.userAccount();
      return [{ username: user.username, user_id: user.id }];
    }
    case 'ad_account':
      return (await ctx.partitions.listAdAccounts()).map((a) => ({ key: a.id, ad_account_id: a.id, currency: a.currency }));
    case 'owned_pin':
      return (await ctx.shared.ids('owned_pins', {})).map((id) => ({ pin_id: id }));
  }
}
