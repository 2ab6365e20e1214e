/**
 * Subnet associations of route tables and network ACLs: each subnet has at most one of each, and
 * only from its own VPC. Subnets nobody claims fall back to the VPC's main table or default ACL.
 */
import type { DocPath } from '../diagnostics.ts';
import type { ResolveContext } from './context.ts';

export class Associations {
  /** subnet → owning table/ACL name. */
  readonly owner = new Map<string, string>();

  constructor(private readonly what: string) {}

  /** Claim the listed subnets for `owner` (in `vpc`); returns those accepted. */
  claim(ctx: ResolveContext, owner: string, vpc: string | null, subnets: readonly string[] | undefined, path: DocPath): string[] {
    const accepted: string[] = [];
    const seen = new Set<string>();
    (subnets ?? []).forEach((name, i) => {
      const at = [...path, i];
      if (seen.has(name)) {
        ctx.report.error('duplicate-list-item', at, `subnet "${name}" is listed twice`);
        return;
      }
      seen.add(name);
      const subnet = ctx.ref('subnet', ctx.subnets, name, at, `${this.what} "${owner}"`);
      if (!subnet || vpc === null) return;
      if (subnet.vpc !== vpc) {
        ctx.report.error('wrong-vpc', at, `subnet "${name}" is in VPC "${subnet.vpc}", but ${this.what} "${owner}" is in VPC "${vpc}"`);
        return;
      }
      const previous = this.owner.get(name);
      if (previous !== undefined) {
        ctx.report.error('duplicate-association', at, `subnet "${name}" is already associated with ${this.what} "${previous}"`);
        return;
      }
      this.owner.set(name, owner);
      accepted.push(name);
    });
    return accepted;
  }

  /** Subnets of `vpc` (document order) not claimed by anyone. */
  unclaimed(ctx: ResolveContext, vpc: string): string[] {
    return [...ctx.subnets.values()].filter((s) => s.vpc === vpc && !this.owner.has(s.name)).map((s) => s.name);
  }
}
