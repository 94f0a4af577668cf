import { presentRelease } from '../api/present.ts';
import { presentActivePolicy } from '../api/present-policy.ts';
import type { Actor } from '../core/actor.ts';
import type { Services } from '../service/services.ts';
import type { PolicyClient } from './policy-client.ts';

/** The same policy use cases, in this process (`--local`). */
export function localPolicyClient(services: Services, actor: Actor): PolicyClient {
  return {
    validatePolicy: async (text) => services.policies.validate(text),
    async applyPolicy(text, service) {
      const applied = await services.policies.apply(actor, text, service);
      return presentActivePolicy(applied, applied.changed);
    },
    showPolicy: async (service) => presentActivePolicy(await services.policies.show(service)),
    putService: (name, input) => services.services.put(actor, name, input),
    getService: (name) => services.services.get(name),
    createChange: (input) => services.changes.create(actor, input),
    async getChange(id) {
      const view = await services.changes.get(id);
      return { ...view, releases: view.releases.map(presentRelease) };
    },
    listChanges: (params) => services.changes.list(params),
    assessRisk: (id, input) => services.changes.assessRisk(actor, id, input),
    chooseRiskClass: (id, input) => services.changes.chooseRiskClass(actor, id, input),
    editRiskNarrative: (id, narrative) => services.changes.editNarrative(actor, id, { narrative }),
    recordDeployment: (idOrTag, input) => services.deployments.record(actor, idOrTag, input),
    decideGate: (idOrTag, environment) => services.gates.decide(actor, idOrTag, environment),
    requestException: (input) => services.exceptions.request(actor, input),
    approveException: (id) => services.exceptions.approve(actor, id),
    listExceptions: (options) => services.exceptions.list(options),
    signingView: (idOrTag) => services.approvals.view(idOrTag),
    createDelegation: (input) => services.delegations.create(actor, input),
    addOutboundWebhook: (input) => services.outboundWebhooks.add(actor, input),
    listOutboundWebhooks: async () => ({ items: await services.outboundWebhooks.list(actor) }),
    removeOutboundWebhook: (id) => services.outboundWebhooks.remove(actor, id),
    listDelegations: async () => ({ items: await services.delegations.list(actor) }),
    signApproval: (idOrTag, input) => services.approvals.sign(actor, idOrTag, input),
    withdrawApproval: (id, input) => services.approvals.withdraw(actor, id, input),
    meetCondition: (id, evidenceId) => services.approvals.meetCondition(actor, id, evidenceId),
  };
}
