import type { EvidenceSummary } from '../format.ts';
import { BoundedList, cut, type Warnings } from '../json/summary-bounds.ts';

/** OpenVEX's four statuses (OpenVEX spec v0.2.0, "Status Labels"), which CycloneDX maps onto. */
export const VEX_STATUSES = ['not_affected', 'affected', 'fixed', 'under_investigation'] as const;
export type VexStatus = (typeof VEX_STATUSES)[number];

export function isVexStatus(value: unknown): value is VexStatus {
  return typeof value === 'string' && (VEX_STATUSES as readonly string[]).includes(value);
}

/**
 * CycloneDX `analysis.state` (the `impactAnalysisState` enum, spec 1.4+) → VEX status, by the
 * states' defined meanings: a false positive does not affect the product, either resolution is
 * a fix, an exploitable finding affects it, one in triage is under investigation.
 */
export const CYCLONEDX_STATES: ReadonlyMap<string, VexStatus> = new Map([
  ['not_affected', 'not_affected'],
  ['false_positive', 'not_affected'],
  ['resolved', 'fixed'],
  ['resolved_with_pedigree', 'fixed'],
  ['exploitable', 'affected'],
  ['in_triage', 'under_investigation'],
]);

export interface VexProduct {
  id: string;
  subcomponents: string[];
  /** CycloneDX `affects[].versions`: versions or `vers:` ranges the statement covers. */
  versions: string[];
}

export interface VexStatement {
  vulnerability: string;
  aliases: string[];
  products: VexProduct[];
  status: VexStatus;
  /** The status as the document wrote it (a CycloneDX state such as `exploitable`). */
  originalStatus: string;
  justification: string | null;
  impactStatement: string | null;
  actionStatement: string | null;
  /** CycloneDX `analysis.response` (`update`, `will_not_fix`, …); empty for OpenVEX. */
  responses: string[];
}

/** Product ids, subcomponents and versions a summary may hold in all, before it counts instead. */
const MAX_PRODUCT_STRINGS = 50_000;
const MAX_ID_CHARS = 512;

/** Collects statements, keeping lists and strings within SUMMARY_LIMITS. */
export class StatementCollector {
  readonly #statements = new BoundedList<VexStatement>();
  readonly #counts: Record<VexStatus, number> = {
    not_affected: 0,
    affected: 0,
    fixed: 0,
    under_investigation: 0,
  };
  #productStrings = 0;
  #productsOmitted = 0;

  add(statement: {
    vulnerability: string;
    aliases: readonly string[];
    products: ReadonlyArray<{
      id: string;
      subcomponents?: readonly string[];
      versions?: readonly string[];
    }>;
    status: VexStatus;
    originalStatus: string;
    justification?: string | undefined;
    impactStatement?: string | undefined;
    actionStatement?: string | undefined;
    responses?: readonly string[];
  }): void {
    this.#counts[statement.status]++;
    if (this.#statements.isFull) {
      this.#statements.omitted++;
      return;
    }
    this.#statements.push({
      vulnerability: cut(statement.vulnerability, MAX_ID_CHARS),
      aliases: [...new Set(statement.aliases)]
        .slice(0, 32)
        .map((alias) => cut(alias, MAX_ID_CHARS)),
      products: this.#products(statement.products),
      status: statement.status,
      originalStatus: cut(statement.originalStatus, 64),
      justification: textOrNull(statement.justification, 256),
      impactStatement: textOrNull(statement.impactStatement),
      actionStatement: textOrNull(statement.actionStatement),
      responses: (statement.responses ?? []).slice(0, 16).map((response) => cut(response, 64)),
    });
  }

  #products(
    products: ReadonlyArray<{
      id: string;
      subcomponents?: readonly string[];
      versions?: readonly string[];
    }>,
  ): VexProduct[] {
    const out: VexProduct[] = [];
    for (const product of products) {
      const strings = 1 + (product.subcomponents?.length ?? 0) + (product.versions?.length ?? 0);
      if (this.#productStrings + strings > MAX_PRODUCT_STRINGS) {
        this.#productsOmitted++;
        continue;
      }
      this.#productStrings += strings;
      out.push({
        id: cut(product.id, MAX_ID_CHARS),
        subcomponents: (product.subcomponents ?? []).map((id) => cut(id, MAX_ID_CHARS)),
        versions: (product.versions ?? []).map((version) => cut(version, MAX_ID_CHARS)),
      });
    }
    return out;
  }

  /** Counts by status at the top level (what a policy tests), then the statements. */
  summary(warnings: Warnings): EvidenceSummary {
    const counts = this.#counts;
    if (this.#statements.omitted > 0) {
      warnings.add(`${this.#statements.omitted} more statements are counted but not listed`);
    }
    if (this.#productsOmitted > 0) {
      warnings.add(
        `${this.#productsOmitted} products are left out of the listed statements (too many to list)`,
      );
    }
    return {
      total: this.#statements.items.length + this.#statements.omitted,
      notAffected: counts.not_affected,
      affected: counts.affected,
      fixed: counts.fixed,
      underInvestigation: counts.under_investigation,
      statements: this.#statements.items,
      statementsOmitted: this.#statements.omitted,
      productsOmitted: this.#productsOmitted,
    };
  }
}

function textOrNull(text: string | undefined, max?: number): string | null {
  return text === undefined || text === '' ? null : cut(text, max);
}
