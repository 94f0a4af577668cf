import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { DossierError } from '../../core/errors.ts';
import { loadConfig } from '../../service/config.ts';
import { loadTrust } from '../../service/load-trust.ts';
import { identifyFormat, summarize } from '../../service/recognize-evidence.ts';
import { json, type Output } from '../output.ts';

export function registerInspect(program: Command, io: Output): void {
  program
    .command('inspect')
    .description('detect a file’s evidence format and print its summary, without a server')
    .argument('<file>', 'an evidence file')
    .option('--kind <kind>', 'expect this kind instead of detecting it', 'auto')
    .option('--trusted-root <file>', 'Sigstore trusted_root.json for bundle signatures')
    .option('--dsse-keys <file>', 'JSON list of { keyId, pem | pemFile } for DSSE signatures')
    .option('--artifact <digest...>', 'artifact digests (sha256:<hex>) provenance should cover')
    .option('--json', 'print { kind, format, label, summary } as JSON')
    .action(
      async (
        file: string,
        options: {
          kind: string;
          trustedRoot?: string;
          dsseKeys?: string;
          artifact?: string[];
          json?: boolean;
        },
      ) => {
        const info = await stat(file).catch((error: Error) => {
          throw new DossierError('INVALID_INPUT', `cannot read ${file}: ${error.message}`);
        });
        if (!info.isFile())
          throw new DossierError('INVALID_INPUT', `${file} is not a regular file`);
        if (info.size === 0) throw new DossierError('EMPTY_EVIDENCE', `${file} is empty`);
        const config = loadConfig({
          flags: { trustedRoot: options.trustedRoot, dsseKeys: options.dsseKeys },
          env: process.env,
        });
        const trust = await loadTrust(config);
        const source = { open: () => createReadStream(file) };
        const identified = await identifyFormat(source, options.kind, basename(file));
        const recognized = await summarize(source, identified, {
          trust,
          artifacts: options.artifact ?? [],
          now: new Date(),
        });
        const label = identified.format?.label ?? null;
        if (options.json) {
          io.out(
            json({
              kind: recognized.kind,
              format: recognized.format,
              label,
              summary: recognized.summary,
            }),
          );
          return;
        }
        io.out(
          `${basename(file)}: ${label ? `${label} (${recognized.format})` : 'stored unparsed'}, kind ${recognized.kind}`,
        );
        for (const line of summaryLines(recognized.summary)) io.out(`  ${line}`);
      },
    );
}

/** The top-level figures of a summary, one per line; lists are counted, not printed. */
function summaryLines(summary: Record<string, unknown> | null): string[] {
  if (!summary) return [];
  const lines: string[] = [];
  for (const [key, value] of Object.entries(summary)) {
    if (key === 'warnings') continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      lines.push(
        `${key}: ${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(4) : String(value)}`,
      );
    } else if (Array.isArray(value)) {
      lines.push(`${key}: ${value.length} item(s)`);
    }
  }
  const warnings = Array.isArray(summary.warnings) ? (summary.warnings as string[]) : [];
  for (const warning of warnings) lines.push(`warning: ${warning}`);
  return lines;
}
