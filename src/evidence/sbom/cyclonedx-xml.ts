import { DossierError } from '../../core/errors.ts';
import type { EvidenceFormat } from '../format.ts';
import { readXml, xmlRootElement } from '../xml/read-xml.ts';
import { checkCycloneDxVersion, MAX_TOOLS, toolName } from './cyclonedx-common.ts';
import {
  DEFAULT_SBOM_LIMITS,
  type LicenseStatement,
  SbomAccumulator,
  type SbomLimits,
  type SbomSubject,
  type SbomSummary,
  subjectOf,
} from './sbom-summary.ts';

const LABEL = 'CycloneDX XML';
const NAMESPACE = /^https?:\/\/cyclonedx\.org\/schema\/bom\/(\d+\.\d+)$/;
/** Longest text kept from one element we read (names, versions, purls, license ids). */
const MAX_FIELD = 16 * 1024;

export const cyclonedxXml: EvidenceFormat = {
  id: 'cyclonedx-xml',
  kind: 'sbom',
  label: LABEL,
  detect(head) {
    const root = xmlRootElement(head);
    if (root === undefined || localName(root) !== 'bom') return false;
    const text = new TextDecoder('latin1').decode(head.subarray(0, 64 * 1024));
    return /cyclonedx\.org\/schema\/bom\//.test(text);
  },
  parse: (source) => parseCycloneDxXml(source),
};

/** A component being read: one counted in the BOM, or the metadata component (the subject). */
interface Frame {
  depth: number;
  counted: boolean;
  fields: Partial<Record<'name' | 'version' | 'purl' | 'group', string>>;
  type: string | undefined;
  bomRef: string | undefined;
  licenses: LicenseStatement[];
  license: Partial<Record<'id' | 'name', string>> | undefined;
  hashes: Array<[string, string]>;
  done: boolean;
}

/** Streams a CycloneDX XML BOM through the shared safe XML reader. */
export async function parseCycloneDxXml(
  source: AsyncIterable<Uint8Array>,
  limits: SbomLimits = DEFAULT_SBOM_LIMITS,
): Promise<SbomSummary> {
  const acc = new SbomAccumulator(limits);
  const path: string[] = [];
  const frames: Frame[] = [];
  /** Counted components not yet added, in document order. */
  const inOrder: Frame[] = [];
  let specVersion: string | null = null;
  let serialNumber: string | null = null;
  let bomVersion: number | null = null;
  let created: string | null = null;
  const tools: string[] = [];
  let tool: Partial<Record<'vendor' | 'group' | 'name' | 'version', string>> | undefined;
  let subject: SbomSubject | undefined;
  let vulnerabilities = 0;
  let services = 0;
  let capture: ((text: string) => void) | undefined;
  let text = '';

  const startCapture = (store: (value: string) => void) => {
    capture = store;
    text = '';
  };

  await readXml(source, {
    open(qualified, attributes, depth) {
      const name = localName(qualified);
      const parent = path[depth - 2];
      path[depth - 1] = name;
      path.length = depth;
      if (depth === 1) {
        const prefix = qualified.includes(':') ? qualified.slice(0, qualified.indexOf(':')) : '';
        const namespace = (prefix ? attributes[`xmlns:${prefix}`] : attributes.xmlns) ?? '';
        const version = NAMESPACE.exec(namespace)?.[1];
        if (name !== 'bom' || version === undefined)
          throw new DossierError(
            'EVIDENCE_MALFORMED',
            `${LABEL}: the root element is <${qualified}> in namespace "${namespace}", not <bom> in a CycloneDX namespace`,
          );
        specVersion = version;
        serialNumber = acc.text(attributes.serialNumber);
        const declared = Number(attributes.version);
        bomVersion = Number.isInteger(declared) ? declared : null;
        return;
      }
      const frame = frames.at(-1);
      if (name === 'component' && parent === 'components') {
        // bom/components/component, or a component nested in a counted component.
        const owner = depth === 3 ? path[0] === 'bom' : frame?.counted && frame.depth === depth - 2;
        if (owner) {
          const counted = newFrame(depth, true, attributes);
          frames.push(counted);
          inOrder.push(counted);
          return;
        }
      }
      if (depth === 3 && name === 'component' && parent === 'metadata') {
        frames.push(newFrame(depth, false, attributes));
        return;
      }
      if (frame && readComponentPart(frame, name, parent, depth, attributes, startCapture)) return;
      if (depth === 3 && path[1] === 'metadata' && name === 'timestamp')
        startCapture((value) => {
          created = acc.text(value);
        });
      else if (path[1] === 'metadata' && path[2] === 'tools') {
        // tools/tool (to 1.4) or tools/components/component (from 1.5).
        const isTool =
          (depth === 4 && name === 'tool') ||
          (depth === 5 && name === 'component' && parent === 'components');
        if (isTool) tool = {};
        else if (
          tool &&
          (name === 'vendor' || name === 'group' || name === 'name' || name === 'version')
        ) {
          const into = tool;
          startCapture((value) => {
            into[name] = value;
          });
        }
      } else if (name === 'dependency' && parent === 'dependency' && path[1] === 'dependencies')
        acc.dependencies++;
      else if (depth === 3 && name === 'vulnerability' && parent === 'vulnerabilities')
        vulnerabilities++;
      else if (name === 'service' && parent === 'services' && path[1] === 'services') services++;
    },
    text(value) {
      if (capture && text.length < MAX_FIELD) text += value;
    },
    close(qualified, depth) {
      if (capture) {
        const store = capture;
        capture = undefined;
        const value = text.trim();
        if (value !== '') store(value);
      }
      const name = localName(qualified);
      const frame = frames.at(-1);
      if (frame && frame.depth === depth) {
        frames.pop();
        frame.done = true;
        if (frame.counted) {
          // Count in document order (a parent before its children, as the JSON parser does),
          // though a parent's fields are complete only after its children.
          while (inOrder[0]?.done) {
            const next = inOrder.shift() as Frame;
            acc.addComponent({
              ...next.fields,
              name: next.fields.name,
              type: next.type,
              licenses: next.licenses,
            });
          }
        } else if (subject === undefined)
          subject = subjectOf(acc, {
            id: frame.bomRef,
            ...frame.fields,
            type: frame.type,
            hashes: frame.hashes,
          });
        return;
      }
      if (frame?.license && name === 'license' && depth === frame.depth + 2) {
        const { id, name: licenseName } = frame.license;
        if (id !== undefined) frame.licenses.push({ expression: id });
        else if (licenseName !== undefined) frame.licenses.push({ name: licenseName });
        frame.license = undefined;
      }
      if (tool && (name === 'tool' || name === 'component') && depth >= 4 && path[2] === 'tools') {
        const label = toolName(tool.vendor ?? tool.group, tool.name, tool.version);
        if (label && tools.length < MAX_TOOLS) tools.push(label);
        tool = undefined;
      }
    },
  });

  checkCycloneDxVersion(acc, specVersion);
  return acc.finish(
    {
      format: 'cyclonedx',
      serialization: 'xml',
      specVersion,
      serialNumber,
      bomVersion,
      created,
      tools,
    },
    subject ? [subject] : [],
    { services, vulnerabilities },
  );
}

function newFrame(
  depth: number,
  counted: boolean,
  attributes: Readonly<Record<string, string>>,
): Frame {
  return {
    depth,
    counted,
    fields: {},
    type: attributes.type,
    bomRef: attributes['bom-ref'],
    licenses: [],
    license: undefined,
    hashes: [],
    done: false,
  };
}

/**
 * The parts of a component we keep: its own name, version, purl and group, its licenses
 * (`licenses/license/id|name`, `licenses/expression`) and hashes. Returns whether `name` was one.
 */
function readComponentPart(
  frame: Frame,
  name: string,
  parent: string | undefined,
  depth: number,
  attributes: Readonly<Record<string, string>>,
  capture: (store: (value: string) => void) => void,
): boolean {
  const level = depth - frame.depth;
  if (
    level === 1 &&
    (name === 'name' || name === 'version' || name === 'purl' || name === 'group')
  ) {
    capture((value) => {
      frame.fields[name] = value;
    });
    return true;
  }
  if (level === 2 && parent === 'licenses') {
    if (name === 'license') frame.license = {};
    else if (name === 'expression') capture((value) => frame.licenses.push({ expression: value }));
    return true;
  }
  if (level === 3 && parent === 'license' && frame.license && (name === 'id' || name === 'name')) {
    const license = frame.license;
    capture((value) => {
      license[name] = value;
    });
    return true;
  }
  if (level === 2 && parent === 'hashes' && name === 'hash') {
    const alg = attributes.alg;
    if (alg) capture((value) => frame.hashes.push([alg, value]));
    return true;
  }
  return false;
}

function localName(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1);
}
