import type { EvidenceJson, ReleaseJson } from '../core/wire-schemas.ts';

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export const stdio: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Left-aligned columns, two spaces apart; the header row first. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

export function describeRelease(release: ReleaseJson): string[] {
  return [
    `${release.tag}`,
    `  id         ${release.id}`,
    `  service    ${release.service}`,
    `  version    ${release.version}`,
    `  commit     ${release.commit}`,
    `  change     ${release.change ?? '-'}`,
    `  artifacts  ${release.artifacts.length > 0 ? release.artifacts.join(', ') : '-'}`,
    `  state      ${release.state}`,
    `  created    ${release.createdAt} by ${release.createdBy}`,
    `  evidence   ${release.evidenceCount}`,
  ];
}

export function evidenceTable(items: EvidenceJson[]): string[] {
  if (items.length === 0) return ['  (no evidence yet)'];
  return table([
    ['KIND', 'NAME', 'SIZE', 'SHA256', 'SUBMITTED BY', 'AT'],
    ...items.map((item) => [
      item.kind,
      item.name,
      formatBytes(item.size),
      `${item.sha256.slice(0, 12)}…`,
      item.submittedBy,
      item.submittedAt,
    ]),
  ]).map((line) => `  ${line}`);
}
