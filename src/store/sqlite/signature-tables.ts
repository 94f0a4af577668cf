import type { SQLInputValue, StatementSync } from 'node:sqlite';
import type { Delegation } from '../../core/approval/delegation.ts';
import type { ConditionFulfilment, SignatureRecord } from '../../core/approval/signature.ts';
import type { ExceptionRecord } from '../../core/exception/exception.ts';
import { toDelegation, toException, toFulfilment, toSignature } from '../signature-rows.ts';

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

  listDelegations(limit: number): Delegation[] {
    return this.#q('SELECT record FROM delegations ORDER BY seq DESC LIMIT ?')
      .all(limit)
      .map(toDelegation);
  }

  listExceptions(limit: number): ExceptionRecord[] {
    return this.#q(`${EXCEPTION_SELECT} ORDER BY e.seq DESC LIMIT ?`).all(limit).map(toException);
  }
}

export class SqliteSignatureWrites {
  readonly #run: Run;
  constructor(run: Run) {
    this.#run = run;
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
