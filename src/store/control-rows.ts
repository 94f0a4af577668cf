import type { ChangeRequest } from '../core/change/change-request.ts';
import type { Deployment, DeploymentStatus } from '../core/deployment/deployment.ts';
import type { GateDecisionHead, GateDecisionRecord } from '../core/policy/gate-record.ts';
import type { ChangeType } from '../core/policy/policy-schema.ts';
import type { PolicyActivation, PolicyVersion } from '../core/policy/policy-version.ts';
import type { RiskRecord } from '../core/risk/risk-record.ts';
import type { ServiceRecord } from '../core/service-record.ts';

/**
 * Row mappers for the release-control tables (services, policies, changes, risk, deployments,
 * gate decisions), shared by both adapters: SQLite hands JSON and list columns back as text,
 * PostgreSQL as decoded values, and these accept either.
 */
type Row = Record<string, unknown>;

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function list(value: unknown): string[] {
  return json<unknown[]>(value).map(String);
}

function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export function toServiceRecord(row: Row): ServiceRecord {
  return {
    name: String(row.name),
    criticality: Number(row.criticality),
    owners: list(row.owners),
    description: text(row.description),
    updatedAt: String(row.updated_at),
    updatedBy: String(row.updated_by),
  };
}

export function toPolicyVersion(row: Row): PolicyVersion {
  return {
    version: Number(row.version),
    sha256: String(row.sha256),
    name: String(row.name),
    text: String(row.document),
    createdAt: String(row.created_at),
    createdBy: String(row.created_by),
  };
}

/** Expects the activation's columns plus `sha256` joined from its policy. */
export function toPolicyActivation(row: Row): PolicyActivation {
  return {
    seq: Number(row.seq),
    scope: String(row.scope),
    policyVersion: Number(row.policy_version),
    policySha256: String(row.sha256),
    activatedAt: String(row.activated_at),
    activatedBy: String(row.activated_by),
  };
}

export function toChange(row: Row): ChangeRequest {
  return {
    id: String(row.id),
    service: String(row.service),
    title: String(row.title),
    type: String(row.type) as ChangeType,
    reason: String(row.reason),
    requirements: list(row.requirements),
    author: String(row.author),
    createdAt: String(row.created_at),
    createdBy: String(row.created_by),
  };
}

export function toRiskRecord(row: Row): RiskRecord {
  return json<RiskRecord>(row.record);
}

export function toDeployment(row: Row): Deployment {
  return {
    id: String(row.id),
    releaseId: String(row.release_id),
    environment: String(row.environment),
    status: String(row.status) as DeploymentStatus,
    at: String(row.at),
    source: String(row.source),
    url: text(row.url),
    recordedAt: String(row.recorded_at),
    recordedBy: String(row.recorded_by),
  };
}

export function toGateDecisionHead(row: Row): GateDecisionHead {
  return {
    seq: Number(row.seq),
    decision: String(row.decision) as GateDecisionHead['decision'],
    decisionHash: String(row.decision_hash),
    decidedAt: String(row.decided_at),
  };
}

export function toGateDecisionRecord(row: Row): GateDecisionRecord {
  return {
    seq: Number(row.seq),
    releaseId: String(row.release_id),
    service: String(row.service),
    environment: String(row.environment),
    decision: String(row.decision) as GateDecisionRecord['decision'],
    decisionHash: String(row.decision_hash),
    policySha256: String(row.policy_sha256),
    decidedAt: String(row.decided_at),
    decidedBy: String(row.decided_by),
    body: json<GateDecisionRecord['body']>(row.body),
  };
}
