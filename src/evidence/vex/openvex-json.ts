import type { EvidenceFormat, EvidenceSummary } from '../format.ts';
import { scanJsonHead } from '../json/json-head.ts';
import {
  asArray,
  asFiniteNumber,
  asText,
  describeJsonType,
  describeValue,
  isObject,
  type JsonObject,
  memberPath,
} from '../json/json-values.ts';
import { readJsonDocument } from '../json/read-json-document.ts';
import { cut, Problems, Warnings } from '../json/summary-bounds.ts';
import { isVexStatus, StatementCollector } from './vex-statements.ts';

const LABEL = 'OpenVEX';

/** OpenVEX v0.2.0 §"Status Justifications": the labels a not_affected statement may give. */
const JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
];

/**
 * OpenVEX documents (JSON-LD, `@context` https://openvex.dev/ns…), v0.2.0 and the earlier
 * v0.0.x shape where vulnerabilities and products were plain strings.
 */
export const openVexJsonFormat: EvidenceFormat = {
  id: 'openvex-json',
  kind: 'vex',
  label: 'OpenVEX',
  detect(head) {
    const scan = scanJsonHead(head);
    if (scan.root !== 'object') return false;
    const context = scan.values.get('@context') ?? scan.values.get('@context[]');
    return typeof context === 'string' && /openvex/i.test(context);
  },
  async parse(source) {
    const document = await readJsonDocument(source, LABEL);
    return summarizeOpenVex(document.value, document.warnings);
  },
};

export function summarizeOpenVex(
  document: unknown,
  readWarnings: readonly string[],
): EvidenceSummary {
  const problems = new Problems(LABEL);
  const warnings = new Warnings();
  warnings.addAll(readWarnings);
  if (!isObject(document)) {
    return problems.fail(
      '',
      `expected an OpenVEX document object, found ${describeJsonType(document)}`,
    );
  }
  if (!Array.isArray(document.statements)) {
    return problems.fail(
      'statements',
      `expected an array of statements, found ${describeJsonType(document.statements)}`,
    );
  }
  const author = asText(document.author);
  if (author === undefined) warnings.add('the document names no author (OpenVEX requires one)');
  const collector = new StatementCollector();
  document.statements.forEach((statement, index) => {
    const path = memberPath('statements', index);
    if (!isObject(statement)) {
      problems.add(path, `expected a statement object, found ${describeJsonType(statement)}`);
      return;
    }
    readStatement(statement, path, collector, problems, warnings);
  });
  problems.throwIfAny();

  const context = document['@context'];
  const contextText = asText(Array.isArray(context) ? context[0] : context) ?? '';
  return {
    format: 'openvex',
    specVersion: /\/v(\d+\.\d+\.\d+)\/?$/.exec(contextText)?.[1] ?? null,
    documentId: textOrNull(asText(document['@id'])),
    author: textOrNull(author),
    timestamp: textOrNull(asText(document.timestamp)),
    version: asFiniteNumber(document.version) ?? null,
    ...collector.summary(warnings),
    warnings: warnings.list(),
  };
}

function readStatement(
  statement: JsonObject,
  path: string,
  collector: StatementCollector,
  problems: Problems,
  warnings: Warnings,
): void {
  const vulnerability = statement.vulnerability;
  const name = isObject(vulnerability)
    ? (asText(vulnerability.name) ?? asText(vulnerability['@id']))
    : asText(vulnerability);
  if (name === undefined) problems.add(`${path}.vulnerability`, 'names no vulnerability');
  const status = statement.status;
  if (!isVexStatus(status)) {
    problems.add(
      `${path}.status`,
      `expected not_affected, affected, fixed or under_investigation; found ${describeValue(status)}`,
    );
  }
  if (name === undefined || !isVexStatus(status)) return;

  const justification = asText(statement.justification);
  const impact = asText(statement.impact_statement);
  const action = asText(statement.action_statement);
  if (status === 'not_affected' && justification === undefined && impact === undefined) {
    warnings.add(
      `${path}: a not_affected statement gives neither a justification nor an impact_statement (OpenVEX requires one)`,
    );
  }
  if (status === 'affected' && action === undefined) {
    warnings.add(`${path}: an affected statement gives no action_statement (OpenVEX requires one)`);
  }
  if (justification !== undefined && !JUSTIFICATIONS.includes(justification)) {
    warnings.add(
      `${path}.justification ${JSON.stringify(cut(justification, 64))} is not an OpenVEX justification label`,
    );
  }
  // v0.0.x put subcomponents beside products, as strings.
  const sharedSubcomponents = asArray(statement.subcomponents).map(componentId).filter(isDefined);
  const products = asArray(statement.products).flatMap((product) => {
    const id = componentId(product);
    if (id === undefined) return [];
    const nested = isObject(product)
      ? asArray(product.subcomponents).map(componentId).filter(isDefined)
      : [];
    return [{ id, subcomponents: [...nested, ...sharedSubcomponents] }];
  });
  if (products.length === 0) warnings.add(`${path} names no products`);
  collector.add({
    vulnerability: name,
    aliases: isObject(vulnerability) ? asArray(vulnerability.aliases).filter(isString) : [],
    products,
    status,
    originalStatus: status,
    justification,
    impactStatement: impact,
    actionStatement: action,
  });
}

/** A product or subcomponent: its `@id`, else an identifier (purl, CPE), or a bare string. */
function componentId(component: unknown): string | undefined {
  if (!isObject(component)) return asText(component);
  const identifiers = isObject(component.identifiers) ? component.identifiers : {};
  return (
    asText(component['@id']) ??
    asText(identifiers.purl) ??
    asText(identifiers.cpe23) ??
    asText(identifiers.cpe22)
  );
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function textOrNull(text: string | undefined): string | null {
  return text === undefined ? null : cut(text, 512);
}
