import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeploymentInputSchema } from '../deployment/deployment.ts';
import { deploymentInputFrom, environmentName } from './deployment-input.ts';
import type { DeploymentEvent } from './webhook-source.ts';

const event = (overrides: Partial<DeploymentEvent>): DeploymentEvent => ({
  source: 'github',
  environment: 'production',
  status: 'succeeded',
  commit: 'a'.repeat(40),
  artifacts: [],
  externalId: '1',
  url: null,
  deployer: null,
  at: null,
  ...overrides,
});

describe('deploymentInputFrom', () => {
  it('records outcomes only: succeeded, failed and rolled-back; not requested or running', () => {
    assert.equal(deploymentInputFrom(event({ status: 'succeeded' }))?.status, 'succeeded');
    assert.equal(deploymentInputFrom(event({ status: 'failed' }))?.status, 'failed');
    assert.equal(deploymentInputFrom(event({ status: 'rolled-back' }))?.status, 'rolled-back');
    for (const status of ['requested', 'in-progress', 'cancelled'] as const) {
      assert.equal(deploymentInputFrom(event({ status })), undefined, status);
    }
  });

  it('gives inputs the deployment service accepts: GitLab times, odd environment names', () => {
    const gitlab = deploymentInputFrom(
      event({
        source: 'gitlab',
        environment: 'Review Apps/feature 1',
        at: '2021-04-28 21:50:00 +0200',
        url: 'https://staging.example.com',
      }),
    );
    assert.deepEqual(gitlab, {
      environment: 'review-apps-feature-1',
      status: 'succeeded',
      source: 'gitlab',
      at: '2021-04-28T21:50:00+02:00',
      url: 'https://staging.example.com',
    });
    assert.ok(DeploymentInputSchema.safeParse(gitlab).success);
    const github = deploymentInputFrom(event({ at: '2015-05-05T23:40:39Z', url: 'not a url' }));
    assert.equal(github?.at, '2015-05-05T23:40:39Z');
    assert.equal(github?.url, undefined);
    assert.ok(DeploymentInputSchema.safeParse(github).success);
  });

  it('environment names: lowercase, separators collapsed, trimmed to Dossier’s pattern', () => {
    assert.equal(environmentName('Production'), 'production');
    assert.equal(environmentName('  EU / West '), 'eu-west');
    assert.equal(environmentName('test123'), 'test123');
  });
});
