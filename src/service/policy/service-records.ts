import { assertMayWrite } from '../../core/access/permissions.ts';
import type { Actor } from '../../core/actor.ts';
import { DossierError } from '../../core/errors.ts';
import {
  buildServiceRecord,
  SERVICE_NAME_PATTERN,
  ServiceInputSchema,
  type ServiceRecord,
} from '../../core/service-record.ts';
import type { ServiceDeps } from '../deps.ts';
import { invalidInput, toInputIssues } from '../input-issues.ts';

/** Records (or updates) a service's criticality and owners; audited with the values before. */
export async function putService(
  deps: ServiceDeps,
  actor: Actor,
  name: string,
  input: unknown,
): Promise<ServiceRecord> {
  assertMayWrite(actor, 'change service records');
  checkServiceName(name);
  const parsed = ServiceInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('service', toInputIssues(parsed.error));
  const record = buildServiceRecord({
    name,
    input: parsed.data,
    now: deps.clock.now(),
    actor: actor.id,
  });
  return deps.store.transaction(async (tx) => {
    const before = await tx.getService(name);
    await tx.putService(record);
    await tx.appendAudit({
      time: record.updatedAt,
      actor: actor.id,
      action: 'service.updated',
      subject: `service:${name}`,
      details: {
        criticality: record.criticality,
        owners: record.owners,
        description: record.description,
        previousCriticality: before?.criticality ?? null,
      },
    });
    return record;
  });
}

export async function getService(
  deps: Pick<ServiceDeps, 'store'>,
  name: string,
): Promise<ServiceRecord> {
  checkServiceName(name);
  const record = await deps.store.getService(name);
  if (!record) {
    throw new DossierError(
      'SERVICE_NOT_FOUND',
      `service "${name}" has no record; set its criticality with \`dossier service set ${name} --criticality 1-5\``,
    );
  }
  return record;
}

function checkServiceName(name: string): void {
  if (!SERVICE_NAME_PATTERN.test(name)) {
    throw new DossierError('INVALID_INPUT', `"${name}" is not a service name`, {
      issues: [{ path: 'name', message: 'must be a service name like payments-api' }],
    });
  }
}
