/** A policy document as stored: the exact text applied, numbered in the order first seen. */
export interface PolicyVersion {
  /** 1, 2, 3 … across all policies of this Dossier; the same text applied twice keeps its number. */
  version: number;
  sha256: string;
  name: string;
  /** The YAML exactly as submitted; its sha256 is `sha256`. */
  text: string;
  createdAt: string;
  createdBy: string;
}

/** Applies a policy version to every service (`scope: '*'`) or to one service. */
export interface PolicyActivation {
  seq: number;
  scope: string;
  policyVersion: number;
  policySha256: string;
  activatedAt: string;
  activatedBy: string;
}

export const ALL_SERVICES_SCOPE = '*';

/** The policy a service is held to: its own activation when it has one, else the default. */
export interface ActivePolicy {
  activation: PolicyActivation;
  policy: PolicyVersion;
}
