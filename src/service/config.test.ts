import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('uses the defaults when nothing is given', () => {
    const config = loadConfig();
    assert.equal(config.port, 7600);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.dataDir, resolve('dossier-data'));
    assert.equal(config.maxUploadBytes, 512 * 1024 * 1024);
    assert.equal(config.bootstrapToken, undefined);
    assert.ok(Object.isFrozen(config));
  });

  it('lets flags win over the environment, and the environment over defaults', () => {
    const env = { DOSSIER_PORT: '8000', DOSSIER_DATA: '/srv/dossier', DOSSIER_HOST: '0.0.0.0' };
    const config = loadConfig({ flags: { port: '9000' }, env });
    assert.equal(config.port, 9000);
    assert.equal(config.dataDir, '/srv/dossier');
    assert.equal(config.host, '0.0.0.0');
  });

  it('treats an empty environment variable as unset', () => {
    assert.equal(loadConfig({ env: { DOSSIER_PORT: '' } }).port, 7600);
  });

  it('names the flag and variable of every bad setting', () => {
    assert.throws(
      () => loadConfig({ flags: { port: 'eighty' }, env: { DOSSIER_MAX_UPLOAD_BYTES: '-5' } }),
      (error: { code: string; issues: { path: string }[]; message: string }) => {
        assert.equal(error.code, 'INVALID_INPUT');
        assert.deepEqual(
          error.issues.map((issue) => issue.path),
          ['--port / DOSSIER_PORT', '--max-upload-bytes / DOSSIER_MAX_UPLOAD_BYTES'],
        );
        return true;
      },
    );
    assert.throws(
      () => loadConfig({ flags: { port: 70000 } }),
      /--port \/ DOSSIER_PORT must be between 0 and 65535/,
    );
  });
});
