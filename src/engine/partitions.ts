import type { Partition, PartitionSpec } from '../streams/definition';
import type { ReadContext } from './context';

/**
 * The partitions of a stream: nothing, the token's user, each ad account, or each item of a parent
 * stream's list (within each of the parent's own partitions, so a board section carries its board).
 */
export async function resolvePartitions(spec: PartitionSpec, ctx: ReadContext): Promise<Partition[]> {
  switch (spec.by) {
    case 'none':
      return [{}];
    case 'user': {
      const user = await ctx.accounts.userAccount();
      return [{ username: user.username, user_id: user.id }];
    }
    case 'ad_account':
      return (await ctx.accounts.listAdAccounts()).map((a) => ({
        key: a.id,
        ad_account_id: a.id,
        currency: a.currency,
      }));
    case 'values':
      return spec.values.map((v): Partition => ({ [spec.as]: v }));
    case 'parent': {
      const parent = ctx.registry.get(spec.parent.stream);
      if (!parent) throw new Error(`partition parent ${spec.parent.stream} is not a stream`);
      const parents = await resolvePartitions(parent.partition, ctx);
      const children = await Promise.all(
        parents.map(async (p) =>
          (await ctx.shared.ids(spec.parent, p)).map((id): Partition => ({ ...p, key: undefined, [spec.as]: id })),
        ),
      );
      return children.flat();
    }
  }
}
