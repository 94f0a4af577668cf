import type { Delegation } from '../core/approval/delegation.ts';
import type { ConditionFulfilment, SignatureRecord } from '../core/approval/signature.ts';
import type { ExceptionRecord } from '../core/exception/exception.ts';
import type { OutboundWebhook } from '../core/outbound/outbound-webhook.ts';

/** Row mappers for signatures and exceptions, shared by both adapters (JSON as text or decoded). */
type Row = Record<string, unknown>;

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function toSignature(row: Row): SignatureRecord {
  return json<SignatureRecord>(row.record);
}

export function toFulfilment(row: Row): ConditionFulfilment {
  return {
    signatureId: String(row.signature_id),
    evidenceId: String(row.evidence_id),
    metAt: String(row.met_at),
    metBy: String(row.met_by),
  };
}

/** Expects the exception's columns and, left-joined, its approval's (null when unapproved). */
export function toException(row: Row): ExceptionRecord {
  const request = json<ExceptionRecord>(row.record);
  return {
    ...request,
    approval:
      row.approved_by === null || row.approved_by === undefined
        ? null
        : {
            approvedBy: String(row.approved_by),
            role: String(row.role),
            approvedAt: String(row.approved_at),
          },
  };
}

export function toDelegation(row: Row): Delegation {
  return json<Delegation>(row.record);
}

export function toOutboundWebhook(row: Row): OutboundWebhook {
  return {
    id: String(row.id),
    url: String(row.url),
    secret: String(row.secret),
    events: (typeof row.events === 'string'
      ? JSON.parse(row.events)
      : row.events) as OutboundWebhook['events'],
    createdAt: String(row.created_at),
    createdBy: String(row.created_by),
  };
}
