import type { DossierManifest } from '../../core/dossier/manifest.ts';

/**
 * The human half of the dossier: one standalone, printable HTML page (no scripts, no external
 * assets) that a quality reviewer reads in a few minutes. Everything in it is also in
 * manifest.json; this page only presents it.
 */
export function renderReport(manifest: DossierManifest): string {
  const { release } = manifest;
  const evidenceRows = manifest.evidence
    .map(
      (item) =>
        `<tr><td><span class="kind">${esc(item.kind)}</span></td><td>${esc(item.name)}</td>` +
        `<td class="num">${item.size.toLocaleString('en-US')}</td><td class="mono">${esc(item.sha256)}</td>` +
        `<td>${esc(item.format ?? '—')}</td><td>${summaryText(item.summary)}</td>` +
        `<td>${esc(item.submittedBy)}<br><span class="muted">${esc(item.submittedAt)}</span></td></tr>`,
    )
    .join('\n');
  const auditRows = manifest.auditEntries
    .map(
      (entry) =>
        `<tr><td class="num">${entry.seq}</td><td>${esc(entry.time)}</td><td>${esc(entry.actor)}</td>` +
        `<td>${esc(entry.action)}</td><td class="mono small">${esc(detailsText(entry.details))}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Release dossier: ${esc(release.tag)}</title>
<style>
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; }
  h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .25rem; }
  table { border-collapse: collapse; width: 100%; margin-top: .5rem; } th, td { border: 1px solid #d0d7de; padding: .35rem .5rem; text-align: left; vertical-align: top; }
  th { background: #f3f5f7; } .num { text-align: right; font-variant-numeric: tabular-nums; }
  .mono { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; } .small { font-size: 12px; }
  .muted { color: #57606a; } .kind { background: #ddf4ff; border-radius: 3px; padding: 0 .35rem; }
  dl { display: grid; grid-template-columns: 12rem 1fr; gap: .3rem 1rem; } dt { color: #57606a; } dd { margin: 0; }
  .note { background: #f6f8fa; border: 1px solid #d0d7de; padding: .75rem; white-space: pre-wrap; }
  @media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
</style>
</head>
<body>
<h1>Release dossier: ${esc(release.tag)}</h1>
<p class="muted">Exported ${esc(manifest.exportedAt)} by ${esc(manifest.exportedBy)} from log ${esc(manifest.log.origin)}.</p>

<h2>Release</h2>
<dl>
  <dt>Service</dt><dd>${esc(release.service)}</dd>
  <dt>Version</dt><dd>${esc(release.version)}</dd>
  <dt>Commit</dt><dd class="mono">${esc(release.commit)}</dd>
  <dt>Change request</dt><dd>${esc(release.change ?? 'none linked')}</dd>
  <dt>Artifact digests</dt><dd class="mono">${release.artifacts.map(esc).join('<br>') || 'none recorded'}</dd>
  <dt>State</dt><dd>${esc(release.state)}</dd>
  <dt>Created</dt><dd>${esc(release.createdAt)} by ${esc(release.createdBy)}</dd>
  <dt>Release id</dt><dd class="mono">${esc(release.id)}</dd>
</dl>

${changeSection(manifest)}
${gateSection(manifest)}
${signatureSection(manifest)}
${exceptionSection(manifest)}

<h2>Evidence (${manifest.evidence.length})</h2>
${
  manifest.evidence.length === 0
    ? '<p>No evidence was attached.</p>'
    : `<table>
<thead><tr><th>Kind</th><th>File</th><th>Bytes</th><th>SHA-256</th><th>Format</th><th>Summary</th><th>Submitted</th></tr></thead>
<tbody>
${evidenceRows}
</tbody>
</table>`
}

<h2>Audit trail (${manifest.auditEntries.length} entries)</h2>
<table>
<thead><tr><th>#</th><th>Time (UTC)</th><th>Actor</th><th>Action</th><th>Details</th></tr></thead>
<tbody>
${auditRows}
</tbody>
</table>

<h2>How to check this dossier</h2>
<p>Every file in this archive is listed with its SHA-256 in <code>manifest.json</code>. The manifest's own digest is recorded in the
server's append-only audit log, and <code>log-proof.json</code> proves that entry, and every entry above, into the log checkpoint
below, which the server signed. Verify the whole archive offline with the server's public key, obtained from the server's operator
and not from this archive:</p>
<p class="note mono">dossier verify &lt;this-file.zip&gt; --key '&lt;verifier key&gt;'</p>
<p>The signed checkpoint and the inclusion proofs are in <code>log-proof.json</code>; the server's verifier keys are listed by
<code>dossier log keys</code> on the server.</p>
</body>
</html>
`;
}

function changeSection(manifest: DossierManifest): string {
  const { change, riskAssessment: risk, policy } = manifest;
  const policyLine = policy
    ? `<p>Policy in force at export: <strong>${esc(policy.name)}</strong> version ${policy.version}, SHA-256 <span class="mono">${esc(policy.sha256)}</span> (text in <code>${esc(policy.path)}</code>).</p>`
    : '<p>No policy was active for this service at export.</p>';
  if (!change) {
    return `<h2>Change request and risk</h2>
<p>${manifest.release.change ? `Change request ${esc(manifest.release.change)} is not recorded in Dossier.` : 'The release names no change request.'} Without a risk assessment, gates hold the release to the policy's strictest tier.</p>
${policyLine}`;
  }
  const factors = risk
    ? Object.entries(risk.assessment.factors)
        .map(
          ([name, factor]) =>
            `<tr><td>${esc(name)}</td><td class="num">${factor.level}</td><td class="num">${factor.weight}</td><td class="num">${factor.points}</td></tr>`,
        )
        .join('\n')
    : '';
  const riskBlock = risk
    ? `<dl>
  <dt>Score</dt><dd>${risk.assessment.score}</dd>
  <dt>Baseline class</dt><dd>${esc(risk.assessment.baselineClass)} <span class="muted">(${esc(risk.assessment.baselineReason)})</span></dd>
  <dt>Chosen class</dt><dd>${risk.chosenClass ? `${esc(risk.chosenClass)}${risk.justification ? ` — ${esc(risk.justification)}` : ''}` : 'none chosen: the baseline applies'}</dd>
  <dt>Assessed</dt><dd>version ${risk.version}, ${esc(risk.recordedAt)} by ${esc(risk.recordedBy)}</dd>
</dl>
<table><thead><tr><th>Factor</th><th>Level</th><th>Weight</th><th>Points</th></tr></thead><tbody>
${factors}
</tbody></table>
<p><strong>Narrative</strong></p>
<p class="note">${esc(risk.narrative)}</p>`
    : '<p>The change has no risk assessment.</p>';
  return `<h2>Change request and risk</h2>
<dl>
  <dt>Change request</dt><dd>${esc(change.id)}: ${esc(change.title)}</dd>
  <dt>Type</dt><dd>${esc(change.type)}</dd>
  <dt>Reason</dt><dd>${esc(change.reason)}</dd>
  <dt>Requirements</dt><dd>${change.requirements.map(esc).join(', ') || 'none linked'}</dd>
  <dt>Author</dt><dd>${esc(change.author)}</dd>
</dl>
${riskBlock}
${policyLine}`;
}

/** The latest decision per environment in full; earlier ones by hash and time. */
function gateSection(manifest: DossierManifest): string {
  if (manifest.gateDecisions.length === 0) {
    return '<h2>Gate decisions</h2>\n<p>No gate decision was asked for this release.</p>';
  }
  const latest = new Map<string, (typeof manifest.gateDecisions)[number]>();
  for (const record of manifest.gateDecisions) latest.set(record.environment, record);
  const blocks = [...latest.values()].map((record) => {
    const rows = record.body.outcomes
      .map(
        (outcome) =>
          `<tr><td>${esc(outcome.id)}</td><td>${esc(outcome.status)}</td><td>${esc(outcome.reason)}${outcome.exceptionId ? ` (exception ${esc(outcome.exceptionId)})` : ''}</td><td class="mono small">${outcome.evidenceIds.map(esc).join('<br>')}</td></tr>`,
      )
      .join('\n');
    return `<h3>${esc(record.environment)}: ${record.decision === 'allowed' ? 'ALLOWED' : 'BLOCKED'}</h3>
<p class="muted">Decided ${esc(record.decidedAt)} for ${esc(record.decidedBy)}; risk class ${esc(record.body.riskClass)} (${esc(record.body.riskClassSource)}); policy <span class="mono">${esc(record.policySha256.slice(0, 16))}…</span>; decision hash <span class="mono">${esc(record.decisionHash)}</span>.</p>
<table><thead><tr><th>Requirement</th><th>Outcome</th><th>Reason</th><th>Evidence looked at</th></tr></thead><tbody>
${rows}
</tbody></table>`;
  });
  const history = manifest.gateDecisions
    .map(
      (record) =>
        `<tr><td class="num">${record.seq}</td><td>${esc(record.decidedAt)}</td><td>${esc(record.environment)}</td><td>${esc(record.decision)}</td><td class="mono small">${esc(record.decisionHash)}</td></tr>`,
    )
    .join('\n');
  return `<h2>Gate decisions (${manifest.gateDecisions.length} recorded)</h2>
${blocks.join('\n')}
<p><strong>Every decision recorded</strong> (a new one is recorded whenever the answer changes)</p>
<table><thead><tr><th>#</th><th>Time (UTC)</th><th>Environment</th><th>Decision</th><th>Hash</th></tr></thead><tbody>
${history}
</tbody></table>`;
}

function signatureSection(manifest: DossierManifest): string {
  if (manifest.signatures.length === 0) {
    return '<h2>Signatures</h2>\n<p>No one has signed for this release.</p>';
  }
  const rows = manifest.signatures
    .map(
      (s) =>
        `<tr><td>${esc(s.signer.fullName)}<br><span class="muted">${esc(s.signer.username)}</span></td><td>${esc(s.role)}</td>` +
        `<td>${esc(s.kind === 'withdrawal' ? `withdraws ${s.withdraws ?? ''}: ${s.meaning}` : s.meaning)}${s.condition ? `<br><span class="muted">on condition: ${esc(s.condition.text)} (by ${esc(s.condition.deadline)}, ${esc(s.condition.owner)})</span>` : ''}</td>` +
        `<td>${esc(s.signedAt)}</td><td>${esc(s.authMethod)}</td><td><strong>${esc(s.status)}</strong><br><span class="muted">${esc(s.statusReason)}</span></td>` +
        `<td class="mono small">${esc(s.contentHash)}</td></tr>`,
    )
    .join('\n');
  return `<h2>Signatures (${manifest.signatures.length})</h2>
<p>Each signature covers the release record, its evidence set and its policy, by the hash shown; a signature whose hash is not the release's current one no longer counts.</p>
<table><thead><tr><th>Signer</th><th>Role</th><th>Meaning</th><th>Signed (UTC)</th><th>Authentication</th><th>Status at export</th><th>Signed content</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function exceptionSection(manifest: DossierManifest): string {
  if (manifest.exceptions.length === 0) {
    return '<h2>Exceptions</h2>\n<p>No exception applies to this release.</p>';
  }
  const rows = manifest.exceptions
    .map(
      (e) =>
        `<tr><td class="mono">${esc(e.id)}</td><td>${esc(e.ruleId)}</td><td>${esc(e.scope.releaseId ? 'this release' : `service ${e.scope.service ?? ''}`)}${e.scope.environment ? `, ${esc(e.scope.environment)}` : ''}</td>` +
        `<td>${esc(e.reason)}</td><td>${esc(e.compensatingControl)}</td><td>${esc(e.requestedBy)}</td>` +
        `<td>${e.approval ? `${esc(e.approval.approvedBy)} (${esc(e.approval.role)})` : '—'}</td><td>${esc(e.expiresAt)}</td><td><strong>${esc(e.state)}</strong></td></tr>`,
    )
    .join('\n');
  return `<h2>Exceptions (${manifest.exceptions.length})</h2>
<table><thead><tr><th>Id</th><th>Requirement waived</th><th>Scope</th><th>Reason</th><th>Compensating control</th><th>Requested by</th><th>Approved by</th><th>Expires</th><th>State at export</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function esc(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Summary fields that are shares of 1 (coverage), shown as percentages. */
const RATIO_FIELDS = new Set(['lines', 'branches', 'functions', 'statements', 'methods']);

/** The top-level figures of a summary (counts, ratios, short strings), for a reader's glance. */
function summaryText(summary: Record<string, unknown> | null): string {
  if (!summary) return '<span class="muted">stored unparsed</span>';
  const parts = Object.entries(summary)
    .filter(
      ([, value]) =>
        typeof value === 'number' ||
        typeof value === 'boolean' ||
        (typeof value === 'string' && value.length <= 40),
    )
    .slice(0, 10)
    .map(
      ([key, value]) =>
        `${esc(key)}: ${esc(typeof value === 'number' && RATIO_FIELDS.has(key) ? `${(value * 100).toFixed(1)}%` : String(value))}`,
    );
  const warnings = Array.isArray(summary.warnings) ? summary.warnings.length : 0;
  return parts.join('<br>') + (warnings ? `<br><strong>${warnings} warning(s)</strong>` : '');
}

function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ')
    .slice(0, 400);
}
