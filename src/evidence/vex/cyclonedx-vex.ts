import type { EvidenceSummary } from '../format.ts';
import { cut, type Warnings } from '../json/summary-bounds.ts';
import { CYCLONEDX_STATES, StatementCollector } from './vex-statements.ts';

/** One CycloneDX vulnerability as read from JSON or XML, before it becomes a statement. */
export interface CycloneDxVulnerability {
  id: string | undefined;
  /** `references[].id`: the same vulnerability under other ids. */
  aliases: string[];
  analysis:
    | {
        state: string | undefined;
        justification: string | undefined;
        responses: string[];
        detail: string | undefined;
      }
    | undefined;
  recommendation: string | undefined;
  workaround: string | undefined;
  affects: Array<{ ref: string; versions: string[] }>;
}

export interface CycloneDxDocument {
  specVersion: string | undefined;
  serialNumber: string | undefined;
  version: number | undefined;
  author: string | undefined;
  timestamp: string | undefined;
}

/**
 * Turns a BOM's analysed vulnerabilities into VEX statements. A vulnerability without an
 * `analysis` states nothing about exploitability (the BOM merely lists it) and is counted in
 * `withoutAnalysis`, not as a statement.
 */
export class CycloneDxVexCollector {
  readonly #statements = new StatementCollector();
  readonly #warnings: Warnings;
  withoutAnalysis = 0;

  constructor(warnings: Warnings) {
    this.#warnings = warnings;
  }

  /** Adds one vulnerability; returns a problem when it names no vulnerability at all. */
  add(vulnerability: CycloneDxVulnerability, path: string): string | undefined {
    const { analysis } = vulnerability;
    if (!analysis) {
      this.withoutAnalysis++;
      return undefined;
    }
    if (vulnerability.id === undefined) return 'has an analysis but no vulnerability id';
    const state = analysis.state;
    const status = state === undefined ? undefined : CYCLONEDX_STATES.get(state);
    if (status === undefined) {
      this.#warnings.add(
        `${path}.analysis.state ${state === undefined ? 'is missing' : JSON.stringify(cut(state, 64))}; read as under_investigation (nothing is asserted)`,
      );
    }
    if (vulnerability.affects.length === 0) this.#warnings.add(`${path} affects no products`);
    this.#statements.add({
      vulnerability: vulnerability.id,
      aliases: vulnerability.aliases,
      products: vulnerability.affects.map((affect) => ({
        id: affect.ref,
        versions: affect.versions,
      })),
      status: status ?? 'under_investigation',
      originalStatus: state ?? '',
      justification: analysis.justification,
      impactStatement: analysis.detail,
      actionStatement: vulnerability.recommendation ?? vulnerability.workaround,
      responses: analysis.responses,
    });
    return undefined;
  }

  summary(document: CycloneDxDocument): EvidenceSummary {
    if (this.withoutAnalysis > 0) {
      this.#warnings.add(
        `${this.withoutAnalysis} vulnerabilities carry no analysis; they are listed by the BOM but make no VEX statement`,
      );
    }
    return {
      format: 'cyclonedx-vex',
      specVersion: document.specVersion ?? null,
      documentId: textOrNull(document.serialNumber),
      author: textOrNull(document.author),
      timestamp: textOrNull(document.timestamp),
      version: document.version ?? null,
      ...this.#statements.summary(this.#warnings),
      withoutAnalysis: this.withoutAnalysis,
      warnings: this.#warnings.list(),
    };
  }
}

function textOrNull(text: string | undefined): string | null {
  return text === undefined || text === '' ? null : cut(text, 512);
}
