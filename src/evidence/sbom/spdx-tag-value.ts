import { DossierError } from '../../core/errors.ts';
import type { EvidenceFormat } from '../format.ts';
import { IssueList } from './json-value.ts';
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
  type SpdxPackage,
  SpdxSubjects,
  spdxVersionNumber,
} from './spdx-common.ts';

const LABEL = 'SPDX tag-value';
/** Longest line or multi-line `<text>` value read, in characters; longer values are refused. */
const MAX_VALUE = 16 * 1024 * 1024; // 16 Mi characters
const TAG_LINE = /^([A-Za-z][A-Za-z0-9_-]*):[ \t]*(.*)$/;

/** The tags this parser reads; the values of others are skipped. */
const READ_TAGS = new Set([
  'SPDXVersion',
  'SPDXID',
  'DocumentName',
  'DocumentNamespace',
  'Creator',
  'Created',
  'PackageName',
  'PackageVersion',
  'PackageLicenseConcluded',
  'PackageLicenseDeclared',
  'PackageChecksum',
  'ExternalRef',
  'FileName',
  'FileChecksum',
  'SnippetSPDXID',
  'LicenseID',
  'Relationship',
]);

/** SPDX 2.3 tag names of package fields added in 2.3, for the version check. */
const TAGS_NEW_IN_2_3: Record<string, string> = {
  PrimaryPackagePurpose: 'primaryPackagePurpose',
  ReleaseDate: 'releaseDate',
  BuiltDate: 'builtDate',
  ValidUntilDate: 'validUntilDate',
};

export const spdxTagValue: EvidenceFormat = {
  id: 'spdx-tag-value',
  kind: 'sbom',
  label: LABEL,
  detect(head) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
    // Comments and blank lines may come first; the first tag is SPDXVersion in practice and by
    // the examples of SPDX 2.3 Annex A, but only its presence among the first lines is asked.
    const lines = text.replace(/^\uFEFF/, '').split('\n', 200);
    return lines.some((line) => /^SPDXVersion:\s*SPDX-\d/.test(line));
  },
  parse: (source) => parseSpdxTagValue(source),
};

/** Where a tag lands: the document, or the package, file, snippet or license section it is in. */
type Section = 'document' | 'package' | 'file' | 'snippet' | 'license';

/**
 * Reads SPDX tag-value (SPDX 2.3 Annex A / §5 of 2.2) line by line as the bytes stream past:
 * `Tag: value` lines, `#` comments, and `<text>…</text>` values that may span lines.
 */
export async function parseSpdxTagValue(
  source: AsyncIterable<Uint8Array>,
  limits: SbomLimits = DEFAULT_SBOM_LIMITS,
): Promise<SbomSummary> {
  const acc = new SbomAccumulator(limits);
  const issues = new IssueList();
  const subjects = new SpdxSubjects(acc);
  const newer = new NewerFieldCheck();
  let spdxVersion: string | undefined;
  let documentName: string | null = null;
  let documentNamespace: string | null = null;
  let created: string | null = null;
  const creators: string[] = [];
  let files = 0;
  let relationships = 0;
  let section: Section = 'document';
  let pkg: (SpdxPackage & { line: number }) | undefined;
  let file: { id?: string; name: string; checksums: Array<readonly [string, string]> } | undefined;

  const endSection = () => {
    if (pkg) {
      if (pkg.spdxId === undefined) issues.add(`line ${pkg.line}`, 'the package has no SPDXID');
      if (pkg.concluded === undefined) newer.seeMissingConcluded(`line ${pkg.line}`);
      addSpdxPackage(acc, subjects, pkg);
    }
    if (file) subjects.element(file.id, { name: file.name, type: 'file', hashes: file.checksums });
    pkg = undefined;
    file = undefined;
  };

  const tag = (name: string, value: string, line: number) => {
    switch (name) {
      case 'PackageName':
        endSection();
        section = 'package';
        pkg = {
          line,
          spdxId: undefined,
          name: value === '' ? undefined : value,
          version: undefined,
          purl: undefined,
          purpose: undefined,
          concluded: undefined,
          declared: undefined,
          checksums: [],
        };
        if (value === '') issues.add(`line ${line}`, 'PackageName is empty');
        return;
      case 'FileName':
        endSection();
        section = 'file';
        files++;
        file = { name: value, checksums: [] };
        return;
      case 'SnippetSPDXID':
        endSection();
        section = 'snippet';
        return;
      case 'LicenseID':
        endSection();
        section = 'license';
        return;
      case 'Relationship': {
        const parts = value.split(/\s+/);
        if (parts.length < 3) {
          issues.add(`line ${line}`, `Relationship "${value}" is not "<element> <TYPE> <element>"`);
          return;
        }
        const [from, type, to] = parts as [string, string, string];
        relationships++;
        if (isDependencyRelationship(type)) acc.dependencies++;
        subjects.relationship(from, type, to);
        return;
      }
    }
    if (section === 'document') {
      if (name === 'SPDXVersion') spdxVersion = value;
      else if (name === 'SPDXID') subjects.documentId = value;
      else if (name === 'DocumentName') documentName = acc.text(value);
      else if (name === 'DocumentNamespace') documentNamespace = acc.text(value);
      else if (name === 'Created') created = acc.text(value);
      else if (name === 'Creator' && creators.length < 1000) creators.push(value);
    } else if (section === 'package' && pkg) {
      const field = TAGS_NEW_IN_2_3[name];
      if (field) newer.see(field, `line ${line}`);
      if (name === 'SPDXID') pkg.spdxId = value;
      else if (name === 'PackageVersion') pkg.version = value;
      else if (name === 'PackageLicenseConcluded') pkg.concluded = value;
      else if (name === 'PackageLicenseDeclared') pkg.declared = value;
      else if (name === 'PrimaryPackagePurpose') pkg.purpose = value;
      else if (name === 'PackageChecksum') {
        const checksum = /^([A-Za-z0-9-]+):\s*([0-9A-Fa-f]+)$/.exec(value);
        if (checksum) pkg.checksums.push([checksum[1] as string, checksum[2] as string]);
      } else if (name === 'ExternalRef') {
        // ExternalRef: <category> <type> <locator> (SPDX 2.3 §7.21)
        const [, type, locator] = value.split(/\s+/);
        if (type === 'purl' && locator !== undefined && pkg.purl === undefined) pkg.purl = locator;
      }
    } else if (section === 'file' && file) {
      if (name === 'SPDXID') file.id = value;
      else if (name === 'FileChecksum') {
        const checksum = /^([A-Za-z0-9-]+):\s*([0-9A-Fa-f]+)$/.exec(value);
        if (checksum) file.checksums.push([checksum[1] as string, checksum[2] as string]);
      }
    }
  };

  const decoder = new TextDecoder('utf-8', { fatal: false });
  let rest = '';
  let lineNumber = 0;
  /** A `<text>` value still open: its tag, first line and text so far (kept only if read). */
  let open: { name: string; line: number; text: string; keep: boolean } | undefined;
  const line = (raw: string) => {
    lineNumber++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (open) {
      const end = text.indexOf('</text>');
      if (end < 0) {
        if (!open.keep) return;
        if (open.text.length + text.length > MAX_VALUE) tooLong(open.line);
        open.text += `\n${text}`;
        return;
      }
      const { name, keep } = open;
      const value = `${open.text}\n${text.slice(0, end)}`;
      open = undefined;
      if (keep) tag(name, value.trim(), lineNumber);
      return;
    }
    if (text.trim() === '' || text.startsWith('#')) return;
    const match = TAG_LINE.exec(text);
    if (!match) {
      issues.add(
        `line ${lineNumber}`,
        `not a "Tag: value" line: ${JSON.stringify(text.slice(0, 80))}`,
      );
      return;
    }
    const [, name, value] = match as unknown as [string, string, string];
    if (value.startsWith('<text>')) {
      const end = value.indexOf('</text>');
      if (end < 0) {
        // Comments, copyright and license texts run long and are not read: skip their lines.
        const keep = READ_TAGS.has(name) || name in TAGS_NEW_IN_2_3;
        open = { name, line: lineNumber, text: keep ? value.slice('<text>'.length) : '', keep };
        return;
      }
      tag(name, value.slice('<text>'.length, end).trim(), lineNumber);
      return;
    }
    tag(name, value.trim(), lineNumber);
  };
  const tooLong = (at: number): never => {
    throw new DossierError(
      'EVIDENCE_MALFORMED',
      `${LABEL}: line ${at}: a value is longer than ${MAX_VALUE} characters`,
    );
  };

  for await (const chunk of source) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    if (rest.length > MAX_VALUE) tooLong(lineNumber + 1);
    for (const each of lines) line(each);
  }
  rest += decoder.decode();
  if (rest !== '') line(rest);
  if (open) issues.add(`line ${open.line}`, `<text> is never closed by </text>`);
  endSection();

  if (spdxVersion === undefined) issues.add('SPDXVersion', 'missing');
  else if (!/^SPDX-\d+\.\d+$/.test(spdxVersion))
    issues.add('SPDXVersion', `expected "SPDX-2.3" or the like, found "${spdxVersion}"`);
  issues.throwIfAny(LABEL);

  const declared = spdxVersion as string;
  const specVersion = spdxVersionNumber(acc, declared);
  newer.report(acc, declared);
  return acc.finish(
    {
      format: 'spdx',
      serialization: 'tag-value',
      specVersion,
      documentName,
      documentNamespace,
      created,
      tools: creatorTools(creators),
    },
    subjects.list(),
    { files, relationships },
  );
}
