import { DossierError, isDossierError } from '../../core/errors.ts';
import type { EvidenceFormat, EvidenceSummary } from '../format.ts';
import { Problems, Warnings } from '../json/summary-bounds.ts';
import { readXml, sniffEncoding, xmlRootElement } from '../xml/read-xml.ts';
import {
  type CycloneDxDocument,
  CycloneDxVexCollector,
  type CycloneDxVulnerability,
} from './cyclonedx-vex.ts';

const LABEL = 'CycloneDX VEX (XML)';
const MAX_TEXT = 4096;

/**
 * CycloneDX VEX in XML: a `<bom>` in a CycloneDX namespace whose `<vulnerabilities>` carry
 * `<analysis>`, streamed through the safe XML reader. Like the JSON form it is also a
 * CycloneDX BOM; it claims only heads that show an analysis, and goes before the SBOM format.
 */
export const cycloneDxVexXmlFormat: EvidenceFormat = {
  id: 'cyclonedx-vex-xml',
  kind: 'vex',
  label: 'CycloneDX VEX (XML)',
  detect(head) {
    if (localName(xmlRootElement(head) ?? '') !== 'bom') return false;
    const text = new TextDecoder(sniffEncoding(head)).decode(head);
    if (!text.includes('cyclonedx.org/schema/bom')) return false;
    const start = text.search(/<(?:[\w.-]+:)?vulnerabilities[\s>]/);
    return start !== -1 && /<(?:[\w.-]+:)?analysis[\s>]/.test(text.slice(start));
  },
  parse(source) {
    return summarizeCycloneDxVexXml(source);
  },
};

const VULNERABILITY = 'bom/vulnerabilities/vulnerability';
const TARGET = `${VULNERABILITY}/affects/target`;
/** Per vulnerability, at most this many aliases, responses, targets and versions per target. */
const MAX_LISTED = 256;

export async function summarizeCycloneDxVexXml(
  source: AsyncIterable<Uint8Array>,
): Promise<EvidenceSummary> {
  const problems = new Problems(LABEL);
  const warnings = new Warnings();
  const collector = new CycloneDxVexCollector(warnings);
  const document: CycloneDxDocument = {
    specVersion: undefined,
    serialNumber: undefined,
    version: undefined,
    author: undefined,
    timestamp: undefined,
  };
  const paths = new ElementPaths();
  const stack: PathNode[] = [];
  const authors = new Set<string>();
  let text = '';
  let sawVulnerabilities = false;
  let index = -1;
  let current: CycloneDxVulnerability | undefined;
  let target: { ref: string; versions: string[] } | undefined;

  await withLabel(
    readXml(source, {
      open(name, attributes, depth) {
        const node = paths.child(stack[stack.length - 1], localName(name));
        stack.push(node);
        text = '';
        if (depth === 1) {
          if (node.path !== 'bom') {
            problems.add(`<${name}>`, 'the document element is not a CycloneDX <bom>');
          }
          const namespace = Object.entries(attributes).find(
            ([key]) => key === 'xmlns' || key.startsWith('xmlns:'),
          );
          document.specVersion = /cyclonedx\.org\/schema\/bom\/(\d+\.\d+)/.exec(
            namespace?.[1] ?? '',
          )?.[1];
          document.serialNumber = attributes.serialNumber;
          const version = Number(attributes.version);
          document.version = Number.isFinite(version) ? version : undefined;
          return;
        }
        switch (node.path) {
          case 'bom/vulnerabilities':
            sawVulnerabilities = true;
            break;
          case VULNERABILITY:
            index++;
            current = {
              id: undefined,
              aliases: [],
              analysis: undefined,
              recommendation: undefined,
              workaround: undefined,
              affects: [],
            };
            break;
          case `${VULNERABILITY}/analysis`:
            if (current) {
              current.analysis = {
                state: undefined,
                justification: undefined,
                responses: [],
                detail: undefined,
              };
            }
            break;
          case TARGET:
            target = { ref: '', versions: [] };
            if (current && current.affects.length < MAX_LISTED) current.affects.push(target);
            break;
        }
      },
      text(chunk) {
        if (text.length < MAX_TEXT) text += chunk.slice(0, MAX_TEXT - text.length);
      },
      close() {
        const path = stack.pop()?.path ?? '';
        const value = text.trim();
        text = '';
        if (path.startsWith('bom/metadata/')) {
          readMetadata(document, path.slice('bom/metadata/'.length), value, authors);
          return;
        }
        if (!current) return;
        const analysis = current.analysis;
        switch (path) {
          case VULNERABILITY: {
            current.affects = current.affects.filter((affect) => affect.ref !== '');
            const where = `vulnerabilities/vulnerability[${index}]`;
            const problem = collector.add(current, where);
            if (problem) problems.add(where, problem);
            current = undefined;
            break;
          }
          case `${VULNERABILITY}/id`:
            current.id = value || undefined;
            break;
          case `${VULNERABILITY}/references/reference/id`:
            if (value && current.aliases.length < MAX_LISTED) current.aliases.push(value);
            break;
          case `${VULNERABILITY}/recommendation`:
            current.recommendation = value || undefined;
            break;
          case `${VULNERABILITY}/workaround`:
            current.workaround = value || undefined;
            break;
          case `${VULNERABILITY}/analysis/state`:
            if (analysis) analysis.state = value || undefined;
            break;
          case `${VULNERABILITY}/analysis/justification`:
            if (analysis) analysis.justification = value || undefined;
            break;
          case `${VULNERABILITY}/analysis/responses/response`:
            if (analysis && value && analysis.responses.length < MAX_LISTED)
              analysis.responses.push(value);
            break;
          case `${VULNERABILITY}/analysis/detail`:
            if (analysis) analysis.detail = value || undefined;
            break;
          case `${TARGET}/ref`:
            if (target) target.ref = value;
            break;
          case `${TARGET}/versions/version/version`:
          case `${TARGET}/versions/version/range`:
            if (target && value && target.versions.length < MAX_LISTED) target.versions.push(value);
            break;
        }
      },
    }),
  );
  if (!sawVulnerabilities) {
    problems.add('bom', 'has no <vulnerabilities>, so it makes no VEX statement');
  }
  problems.throwIfAny();
  return collector.summary(document);
}

/** The XML reader's errors, prefixed with the format's name like every other message here. */
async function withLabel(reading: Promise<void>): Promise<void> {
  try {
    await reading;
  } catch (error) {
    if (!isDossierError(error)) throw error;
    throw new DossierError(error.code, `${LABEL}: ${error.message}`, {
      cause: error,
      issues: error.issues,
    });
  }
}

interface PathNode {
  /** Local names from the root, `bom/vulnerabilities/vulnerability`. */
  path: string;
  children: Map<string, PathNode>;
}

/**
 * Element paths, built once per distinct path and shared by every element on it, so a close
 * compares one flat string instead of joining the stack. A document with more distinct paths
 * than a BOM has (a hostile one) folds the rest into one node that matches nothing.
 */
class ElementPaths {
  static readonly MAX_NODES = 4096;
  readonly #root: PathNode = { path: '', children: new Map() };
  readonly #elsewhere: PathNode = { path: '\u0000', children: new Map() };
  #nodes = 0;

  child(parent: PathNode | undefined, local: string): PathNode {
    const from = parent ?? this.#root;
    if (from === this.#elsewhere) return from;
    let node = from.children.get(local);
    if (!node) {
      if (this.#nodes >= ElementPaths.MAX_NODES) return this.#elsewhere;
      this.#nodes++;
      node = { path: from.path === '' ? local : `${from.path}/${local}`, children: new Map() };
      from.children.set(local, node);
    }
    return node;
  }
}

/** Keeps the document's timestamp and author; `metadata.authors` outranks a manufacturer or supplier. */
function readMetadata(
  document: CycloneDxDocument,
  path: string,
  value: string,
  authors: Set<string>,
): void {
  if (value === '') return;
  if (path === 'timestamp') document.timestamp = value;
  else if (path === 'authors/author/name') {
    if (authors.size === 0) document.author = value;
    authors.add(value);
  } else if (
    authors.size === 0 &&
    document.author === undefined &&
    (path === 'manufacturer/name' || path === 'manufacture/name' || path === 'supplier/name')
  ) {
    document.author = value;
  }
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}
