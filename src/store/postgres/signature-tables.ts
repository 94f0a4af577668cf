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

type Row = Record<string, unknown>;
type Run = (sql: string, values?: readonly unknown[]) => Promise<Row[]>;

export function signatureTablesIn(s: string) {
  return {
    signatures: `${s}.signatures`,
    fulfilments: `${s}.condition_fulfilments`,
    exceptions: `${s}.exceptions`,
    exceptionApprovals: `${s}.exception_approvals`,
    delegations: `${s}.delegations`,
    outboundWebhooks: `${s}.outbound_webhooks`,
    releases: `${s}.releases`,
  };
}
type Tables = ReturnType<typeof signatureTablesIn>;

export class PostgresSignatureTables {
  readonly #run: Run;
  readonly #t: Tables;
  constructor(run: Run, tables: Tables) {
    this.#run = run;
    this.#t = tables;
  }

  #exceptionSelect(): string {
    return `SELECT e.record, a.approved_by, a.role, a.approved_at FROM ${this.#t.exceptions} e
      LEFT JOIN ${this.#t.exceptionApprovals} a ON a.exception_id = e.id`;
  }

  async listSignatures(releaseId: string): Promise<SignatureRecord[]> {
    return (
      await this.#run(
        `SELECT record FROM ${this.#t.signatures} WHERE release_id = $1 ORDER BY seq`,
        [releaseId],
      )
    ).map(toSignature);
  }

  async getSignature(id: string): Promise<SignatureRecord | undefined> {
    const [row] = await this.#run(`SELECT record FROM ${this.#t.signatures} WHERE id = $1`, [id]);
    return row ? toSignature(row) : undefined;
  }

  async listConditionFulfilments(releaseId: string): Promise<ConditionFulfilment[]> {
    return (
      await this.#run(
        `SELECT f.* FROM ${this.#t.fulfilments} f JOIN ${this.#t.signatures} s
           ON s.id = f.signature_id WHERE s.release_id = $1 ORDER BY s.seq`,
        [releaseId],
      )
    ).map(toFulfilment);
  }

  async listExceptionsFor(release: { id: string; service: string }): Promise<ExceptionRecord[]> {
    return (
      await this.#run(
        `${this.#exceptionSelect()} WHERE e.release_id = $1 OR e.service = $2 ORDER BY e.seq`,
        [release.id, release.service],
      )
    ).map(toException);
  }

  async getException(id: string): Promise<ExceptionRecord | undefined> {
    const [row] = await this.#run(`${this.#exceptionSelect()} WHERE e.id = $1`, [id]);
    return row ? toException(row) : undefined;
  }

  async listDelegationsTo(delegate: string): Promise<Delegation[]> {
    return (
      await this.#run(
        `SELECT record FROM ${this.#t.delegations} WHERE delegate = $1 ORDER BY seq`,
        [delegate],
      )
    ).map(toDelegation);
  }

  async listDelegations(limit: number, involving?: string): Promise<Delegation[]> {
    if (involving === undefined) {
      return (
        await this.#run(`SELECT record FROM ${this.#t.delegations} ORDER BY seq DESC LIMIT $1`, [
          limit,
        ])
      ).map(toDelegation);
    }
    return (
      await this.#run(
        `SELECT record FROM ${this.#t.delegations} WHERE delegator = $1 OR delegate = $1
         ORDER BY seq DESC LIMIT $2`,
        [involving, limit],
      )
    ).map(toDelegation);
  }

  async insertDelegation(delegation: Delegation): Promise<void> {
    await this.#run(
      `INSERT INTO ${this.#t.delegations} (id, delegator, delegate, record) VALUES ($1, $2, $3, $4)`,
      [delegation.id, delegation.delegator, delegation.delegate, JSON.stringify(delegation)],
    );
  }

  async listOutboundWebhooks(): Promise<OutboundWebhook[]> {
    return (await this.#run(`SELECT * FROM ${this.#t.outboundWebhooks} ORDER BY seq`)).map(
      toOutboundWebhook,
    );
  }

  async getOutboundWebhook(id: string): Promise<OutboundWebhook | undefined> {
    const [row] = await this.#run(`SELECT * FROM ${this.#t.outboundWebhooks} WHERE id = $1`, [id]);
    return row ? toOutboundWebhook(row) : undefined;
  }

  async insertOutboundWebhook(webhook: OutboundWebhook): Promise<void> {
    await this.#run(
      `INSERT INTO ${this.#t.outboundWebhooks} (id, url, secret, events, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        webhook.id,
        webhook.url,
        webhook.secret,
        webhook.events,
        webhook.createdAt,
        webhook.createdBy,
      ],
    );
  }

  async deleteOutboundWebhook(id: string): Promise<boolean> {
    const rows = await this.#run(
      `DELETE FROM ${this.#t.outboundWebhooks} WHERE id = $1 RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  async lockRelease(releaseId: string): Promise<void> {
    await this.#run(`SELECT 1 FROM ${this.#t.releases} WHERE id = $1 FOR UPDATE`, [releaseId]);
  }

  async insertSignature(signature: SignatureRecord): Promise<void> {
    await this.#run(
      `INSERT INTO ${this.#t.signatures} (id, release_id, kind, role, signer, content_hash,
         withdraws, record, signed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        signature.id,
        signature.releaseId,
        signature.kind,
        signature.role,
        signature.signer.username,
        signature.contentHash,
        signature.withdraws,
        JSON.stringify(signature),
        signature.signedAt,
      ],
    );
  }

  async insertConditionFulfilment(fulfilment: ConditionFulfilment): Promise<void> {
    await this.#run(
      `INSERT INTO ${this.#t.fulfilments} (signature_id, evidence_id, met_at, met_by)
       VALUES ($1, $2, $3, $4)`,
      [fulfilment.signatureId, fulfilment.evidenceId, fulfilment.metAt, fulfilment.metBy],
    );
  }

  async insertException(exception: ExceptionRecord): Promise<void> {
    await this.#run(
      `INSERT INTO ${this.#t.exceptions} (id, release_id, service, rule_id, expires_at, record)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        exception.id,
        exception.scope.releaseId ?? null,
        exception.scope.service ?? null,
        exception.ruleId,
        exception.expiresAt,
        JSON.stringify({ ...exception, approval: null }),
      ],
    );
  }

  async insertExceptionApproval(
    exceptionId: string,
    approval: NonNullable<ExceptionRecord['approval']>,
  ): Promise<void> {
    await this.#run(
      `INSERT INTO ${this.#t.exceptionApprovals} (exception_id, approved_by, role, approved_at)
       VALUES ($1, $2, $3, $4)`,
      [exceptionId, approval.approvedBy, approval.role, approval.approvedAt],
    );
  }
}
