import type { EvidenceFormat } from '../format.ts';
import { readJsonHead } from './json-head.ts';
import { readJsonMembers } from './json-members.ts';
import { IssueList, isRecord } from './json-value.ts';
import {
  DEFAULT_SBOM_LIMITS,
  SbomAccumulator,
  type SbomLimits,
  type SbomSummary,
} from './sbom-summary.ts';
import {
  addSpdxPackage,
  creatorTools,
  isDependencyRelationship,
  NewerFieldCheck,
  SpdxSubjects,
  spdxVersionNumber,
} from './spdx-common.ts';

const LABEL = 'SPDX JSON';

export const spdxJson: EvidenceFormat = {
  id: 'spdx-json',
  kind: 'sbom',
  label: LABEL,
  detect(head) {
    const json = readJsonHead(head);
    if (!json) return false;
    return (
      /^SPDX-2\.\d+$/.test(json.strings.get('spdxVersion') ?? '') ||
      json.strings.get('SPDXID') === 'SPDXRef-DOCUMENT'
    );
  },
  parse: (source) => parseSpdxJson(source),
};

/** Streams an SPDX 2.x JSON document: packages, files and relationships one at a time. */
export async function parseSpdxJson(
  source: AsyncIterable<Uint8Array>,
  limits: SbomLimits = DEFAULT_SBOM_LIMITS,
): Promise<SbomSummary> {
  const acc = new SbomAccumulator(limits);
  const issues = new IssueList();
  const subjects = new SpdxSubjects(acc);
  const newer = new NewerFieldCheck();
  let spdxVersion: unknown;
  let documentName: string | null = null;
  let documentNamespace: string | null = null;
  let created: string | null = null;
  let tools: string[] = [];
  let files = 0;
  let relationships = 0;

  const relationship = (value: unknown, path: string) => {
    if (!issues.expect(path, value, 'object')) return;
    const record = value as Record<string, unknown>;
    const from = record.spdxElementId;
    const type = record.relationshipType;
    const to = record.relatedSpdxElement;
    const ok = [
      issues.expect(`${path}.spdxElementId`, from, 'string'),
      issues.expect(`${path}.relationshipType`, type, 'string'),
      issues.expect(`${path}.relatedSpdxElement`, to, 'string'),
    ].every(Boolean);
    if (!ok) return;
    relationships++;
    if (isDependencyRelationship(type as string)) acc.dependencies++;
    subjects.relationship(from as string, type as string, to as string);
  };

  const { duplicateKeys } = await readJsonMembers(
    source,
    {
      member(key, value) {
        switch (key) {
          case 'spdxVersion':
            spdxVersion = value;
            break;
          case 'SPDXID':
            if (issues.expect('$.SPDXID', value, 'string')) subjects.documentId = value as string;
            break;
          case 'name':
            documentName = acc.text(value);
            break;
          case 'documentNamespace':
            documentNamespace = acc.text(value);
            break;
          case 'creationInfo':
            if (!issues.expect('$.creationInfo', value, 'object')) break;
            ({ created, tools } = creationInfo(value as Record<string, unknown>, issues));
            break;
          case 'packages':
          case 'files':
          case 'relationships':
          case 'documentDescribes':
            issues.expect(`$.${key}`, value, 'array');
        }
      },
      element(key, value, index) {
        const path = `$.${key}[${index}]`;
        switch (key) {
          case 'packages':
            readPackage(value, path);
            break;
          case 'files':
            if (!issues.expect(path, value, 'object')) break;
            files++;
            readFile(value as Record<string, unknown>, path);
            break;
          case 'relationships':
            relationship(value, path);
            break;
          case 'documentDescribes':
            if (issues.expect(path, value, 'string')) subjects.describe(value);
        }
      },
    },
    { label: LABEL },
  );

  function readPackage(value: unknown, path: string): void {
    if (!issues.expect(path, value, 'object')) return;
    const pkg = value as Record<string, unknown>;
    const fine = [
      issues.expect(`${path}.SPDXID`, pkg.SPDXID, 'string'),
      issues.expect(`${path}.name`, pkg.name, 'string'),
      optional(`${path}.versionInfo`, pkg.versionInfo, 'string'),
      optional(`${path}.filesAnalyzed`, pkg.filesAnalyzed, 'boolean'),
      optional(`${path}.licenseConcluded`, pkg.licenseConcluded, 'string'),
      optional(`${path}.licenseDeclared`, pkg.licenseDeclared, 'string'),
      optional(`${path}.externalRefs`, pkg.externalRefs, 'array'),
      optional(`${path}.checksums`, pkg.checksums, 'array'),
    ].every(Boolean);
    for (const field in pkg) newer.see(field, path);
    if (pkg.licenseConcluded === undefined) newer.seeMissingConcluded(path);
    if (!fine) return;
    addSpdxPackage(acc, subjects, {
      spdxId: pkg.SPDXID as string,
      name: pkg.name,
      version: pkg.versionInfo,
      purl: purlOf(pkg.externalRefs),
      purpose:
        typeof pkg.primaryPackagePurpose === 'string' ? pkg.primaryPackagePurpose : undefined,
      concluded: pkg.licenseConcluded as string | undefined,
      declared: pkg.licenseDeclared as string | undefined,
      checksums: checksumsOf(pkg.checksums),
    });
  }

  function readFile(file: Record<string, unknown>, path: string): void {
    const fine = [
      issues.expect(`${path}.SPDXID`, file.SPDXID, 'string'),
      issues.expect(`${path}.fileName`, file.fileName, 'string'),
    ].every(Boolean);
    if (fine)
      subjects.element(file.SPDXID as string, {
        name: file.fileName,
        type: 'file',
        hashes: checksumsOf(file.checksums),
      });
  }

  function optional(path: string, value: unknown, type: 'string' | 'boolean' | 'array'): boolean {
    return value === undefined || issues.expect(path, value, type);
  }

  if (spdxVersion === undefined) issues.add('$.spdxVersion', 'missing');
  else if (typeof spdxVersion !== 'string' || !/^SPDX-\d+\.\d+$/.test(spdxVersion))
    issues.add(
      '$.spdxVersion',
      `expected "SPDX-2.3" or the like, found ${JSON.stringify(spdxVersion)}`,
    );
  issues.throwIfAny(LABEL);

  const declared = spdxVersion as string;
  const specVersion = spdxVersionNumber(acc, declared);
  newer.report(acc, declared);
  for (const key of duplicateKeys)
    acc.warn(`the top-level member "${key}" occurs more than once; all occurrences were counted`);
  return acc.finish(
    {
      format: 'spdx',
      serialization: 'json',
      specVersion,
      documentName,
      documentNamespace,
      created,
      tools,
    },
    subjects.list(),
    { files, relationships },
  );
}

function creationInfo(
  info: Record<string, unknown>,
  issues: IssueList,
): { created: string | null; tools: string[] } {
  const created = info.created;
  if (created !== undefined) issues.expect('$.creationInfo.created', created, 'string');
  const creators = info.creators;
  let tools: string[] = [];
  if (
    issues.expect('$.creationInfo.creators', creators, 'array') &&
    (creators as unknown[]).every((creator) => typeof creator === 'string')
  )
    tools = creatorTools(creators as string[]);
  else if (Array.isArray(creators))
    issues.add('$.creationInfo.creators', 'expected an array of strings');
  return { created: typeof created === 'string' ? created : null, tools };
}

/** The first `purl` external reference (SPDX 2.3 Annex F: category PACKAGE-MANAGER). */
function purlOf(refs: unknown): string | undefined {
  if (!Array.isArray(refs)) return undefined;
  for (const ref of refs)
    if (isRecord(ref) && ref.referenceType === 'purl' && typeof ref.referenceLocator === 'string')
      return ref.referenceLocator;
  return undefined;
}

function checksumsOf(checksums: unknown): Array<readonly [unknown, unknown]> {
  if (!Array.isArray(checksums)) return [];
  return checksums.filter(isRecord).map((c) => [c.algorithm, c.checksumValue] as const);
}
