import type { SQLInputValue, StatementSync } from 'node:sqlite';
import type { Delegation } from '../../core/approval/delegation.ts';
import type { ConditionFulfilment, SignatureRecord } from '../../core/approval/signature.ts';
import type { ExceptionRecord } from '../../core/exception/exception.ts';
import type { OutboundWebhook } from '../../core/outbound/outbound-webhook.ts';
import {
  toDelegation,
  toException,
  toFulfilment,
  toOutboundWebhook,
  toSignature,
} from '../signature-rows.ts';

type Prepare = (sql: string) => StatementSync;
type Run = (sql: string, params: Record<string, SQLInputValue>) => void;

const EXCEPTION_SELECT = `SELECT e.record, a.approved_by, a.role, a.approved_at FROM exceptions e
  LEFT JOIN exception_approvals a ON a.exception_id = e.id`;

export class SqliteSignatureReads {
  readonly #q: Prepare;
  constructor(prepare: Prepare) {
    this.#q = prepare;
  }

  listSignatures(releaseId: string): SignatureRecord[] {
    return this.#q('SELECT record FROM signatures WHERE release_id = ? ORDER BY seq')
      .all(releaseId)
      .map(toSignature);
  }

  getSignature(id: string): SignatureRecord | undefined {
    const row = this.#q('SELECT record FROM signatures WHERE id = ?').get(id);
    return row ? toSignature(row) : undefined;
  }

  listConditionFulfilments(releaseId: string): ConditionFulfilment[] {
    return this.#q(
      `SELECT f.* FROM condition_fulfilments f JOIN signatures s ON s.id = f.signature_id
       WHERE s.release_id = ? ORDER BY s.seq`,
    )
      .all(releaseId)
      .map(toFulfilment);
  }

  listExceptionsFor(release: { id: string; service: string }): ExceptionRecord[] {
    return this.#q(`${EXCEPTION_SELECT} WHERE e.release_id = ? OR e.service = ? ORDER BY e.seq`)
      .all(release.id, release.service)
      .map(toException);
  }

  getException(id: string): ExceptionRecord | undefined {
    const row = this.#q(`${EXCEPTION_SELECT} WHERE e.id = ?`).get(id);
    return row ? toException(row) : undefined;
  }

  listDelegationsTo(delegate: string): Delegation[] {
    return this.#q('SELECT record FROM delegations WHERE delegate = ? ORDER BY seq')
      .all(delegate)
      .map(toDelegation);
  }

  listDelegations(limit: number, involving?: string): Delegation[] {
    if (involving === undefined) {
      return this.#q('SELECT record FROM delegations ORDER BY seq DESC LIMIT ?')
        .all(limit)
        .map(toDelegation);
    }
    return this.#q(
      'SELECT record FROM delegations WHERE delegator = ? OR delegate = ? ORDER BY seq DESC LIMIT ?',
    )
      .all(involving, involving, limit)
      .map(toDelegation);
  }

  listOutboundWebhooks(): OutboundWebhook[] {
    return this.#q('SELECT * FROM outbound_webhooks ORDER BY seq').all().map(toOutboundWebhook);
  }

  getOutboundWebhook(id: string): OutboundWebhook | undefined {
    const row = this.#q('SELECT * FROM outbound_webhooks WHERE id = ?').get(id);
    return row ? toOutboundWebhook(row) : undefined;
  }
}

export class SqliteSignatureWrites {
  readonly #run: Run;
  readonly #q: Prepare;
  constructor(run: Run, prepare: Prepare) {
    this.#run = run;
    this.#q = prepare;
  }

  deleteOutboundWebhook(id: string): boolean {
    this.#run('DELETE FROM outbound_webhooks WHERE id = $id', { $id: id });
    return Number(this.#q('SELECT changes() AS n').get()?.n) === 1;
  }

  insertSignature(signature: SignatureRecord): void {
    this.#run(
      `INSERT INTO signatures (id, release_id, kind, role, signer, content_hash, withdraws, record,
         signed_at)
       VALUES ($id, $releaseId, $kind, $role, $signer, $hash, $withdraws, $record, $at)`,
      {
        $id: signature.id,
        $releaseId: signature.releaseId,
        $kind: signature.kind,
        $role: signature.role,
        $signer: signature.signer.username,
        $hash: signature.contentHash,
        $withdraws: signature.withdraws,
        $record: JSON.stringify(signature),
        $at: signature.signedAt,
      },
    );
  }

  insertConditionFulfilment(fulfilment: ConditionFulfilment): void {
    this.#run(
      `INSERT INTO condition_fulfilments (signature_id, evidence_id, met_at, met_by)
       VALUES ($signatureId, $evidenceId, $metAt, $metBy)`,
      {
        $signatureId: fulfilment.signatureId,
        $evidenceId: fulfilment.evidenceId,
        $metAt: fulfilment.metAt,
        $metBy: fulfilment.metBy,
      },
    );
  }

  insertOutboundWebhook(webhook: OutboundWebhook): void {
    this.#run(
      `INSERT INTO outbound_webhooks (id, url, secret, events, created_at, created_by)
       VALUES ($id, $url, $secret, $events, $createdAt, $createdBy)`,
      {
        $id: webhook.id,
        $url: webhook.url,
        $secret: webhook.secret,
        $events: JSON.stringify(webhook.events),
        $createdAt: webhook.createdAt,
        $createdBy: webhook.createdBy,
      },
    );
  }

  insertDelegation(delegation: Delegation): void {
    this.#run(
      `INSERT INTO delegations (id, delegator, delegate, record)
       VALUES ($id, $delegator, $delegate, $record)`,
      {
        $id: delegation.id,
        $delegator: delegation.delegator,
        $delegate: delegation.delegate,
        $record: JSON.stringify(delegation),
      },
    );
  }

  insertException(exception: ExceptionRecord): void {
    this.#run(
      `INSERT INTO exceptions (id, release_id, service, rule_id, expires_at, record)
       VALUES ($id, $releaseId, $service, $ruleId, $expiresAt, $record)`,
      {
        $id: exception.id,
        $releaseId: exception.scope.releaseId ?? null,
        $service: exception.scope.service ?? null,
        $ruleId: exception.ruleId,
        $expiresAt: exception.expiresAt,
        $record: JSON.stringify({ ...exception, approval: null }),
      },
    );
  }

  insertExceptionApproval(
    exceptionId: string,
    approval: NonNullable<ExceptionRecord['approval']>,
  ): void {
    this.#run(
      `INSERT INTO exception_approvals (exception_id, approved_by, role, approved_at)
       VALUES ($id, $by, $role, $at)`,
      {
        $id: exceptionId,
        $by: approval.approvedBy,
        $role: approval.role,
        $at: approval.approvedAt,
      },
    );
  }
}
