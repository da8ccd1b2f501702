import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CredentialCache, FAKE_CREDENTIALS, userCredentialChain } from '../../../src/core/environment/credentials';
import { Workbench } from '../../../src/core/workbench';
import { json, samTemplate, writeProject } from '../helpers/project';

// Credentials handed to functions come from the user's chain when it has them, else fake ones,
// and never appear in the logs. Also: the one-time warning for a Node major mismatch.

const KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE'];

describe('credentials and runtime warnings', function () {
  this.timeout(20000);
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => KEYS.forEach((k) => (saved[k] = process.env[k])));
  afterEach(() => KEYS.forEach((k) => (saved[k] === undefined ? delete process.env[k] : (process.env[k] = saved[k]))));

  it("takes the user's environment credentials first", async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAUSERKEY000000001';
    process.env.AWS_SECRET_ACCESS_KEY = 'user-secret-value-123';
    delete process.env.AWS_SESSION_TOKEN;
    const creds = await userCredentialChain()();
    assert.equal(creds.source, 'environment');
    assert.equal(creds.accessKeyId, 'AKIAUSERKEY000000001');
  });

  it('falls back to the shared credentials file profile, then to fake credentials', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-aws-'));
    fs.writeFileSync(path.join(dir, 'credentials'), '[work]\naws_access_key_id = AKIAPROFILEKEY000001\naws_secret_access_key = profile-secret\n');
    fs.writeFileSync(path.join(dir, 'config'), '');
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
    process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
    process.env.AWS_PROFILE = 'work';
    const fromProfile = await userCredentialChain()();
    assert.equal(fromProfile.source, 'profile');
    assert.equal(fromProfile.accessKeyId, 'AKIAPROFILEKEY000001');
    process.env.AWS_PROFILE = 'absent';
    assert.deepEqual(await userCredentialChain()(), FAKE_CREDENTIALS);
  });

  it('resolves once for concurrent callers', async () => {
    let calls = 0;
    const cache = new CredentialCache(async () => {
      calls++;
      return FAKE_CREDENTIALS;
    });
    await Promise.all([cache.get(), cache.get(), cache.get()]);
    await cache.get();
    assert.equal(calls, 1);
  });

  it("gives functions the user's credentials without ever logging the secret", async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAUSERKEY000000002';
    process.env.AWS_SECRET_ACCESS_KEY = 'very-secret-value-456';
    process.env.AWS_SESSION_TOKEN = 'session-token-789';
    const dir = writeProject({
      'template.yaml': samTemplate({ Who: { handler: 'who.handler' } }),
      'src/who.js': `exports.handler = async () => ({ key: process.env.AWS_ACCESS_KEY_ID, hasSecret: process.env.AWS_SECRET_ACCESS_KEY === 'very-secret-value-456', token: process.env.AWS_SESSION_TOKEN });`,
    });
    const workbench = await Workbench.open({ template: path.join(dir, 'template.yaml') });
    const logged: string[] = [];
    workbench.telemetry.subscribe((e) => logged.push(JSON.stringify(e)));
    try {
      const result = await workbench.invoke('Who', '{}', { collectLogs: true });
      assert.deepEqual(json(result.payload), { key: 'AKIAUSERKEY000000002', hasSecret: true, token: 'session-token-789' });
      const lines = (await result.logs).join('\n') + logged.join('\n');
      assert.doesNotMatch(lines, /very-secret-value-456|session-token-789/);
    } finally {
      await workbench.close();
    }
  });

  it('warns once when the local Node major differs from the declared runtime', async () => {
    const local = Number(process.versions.node.split('.')[0]);
    const other = local === 18 ? 'nodejs20.x' : 'nodejs18.x';
    const dir = writeProject({
      'template.yaml': samTemplate({
        Old: { handler: 'a.handler', runtime: other },
        Old2: { handler: 'a.handler', runtime: other },
        Same: { handler: 'a.handler', runtime: `nodejs${local}.x` },
      }),
      'src/a.js': 'exports.handler = async () => process.env.AWS_EXECUTION_ENV;',
    });
    const workbench = await Workbench.open({ template: path.join(dir, 'template.yaml'), settings: { credentials: async () => FAKE_CREDENTIALS } });
    const warnings: string[] = [];
    workbench.telemetry.subscribe((e) => e.type === 'workbench.warning' && warnings.push((e.record as { message: string }).message));
    try {
      assert.equal(json((await workbench.invoke('Old', '{}')).payload), `AWS_Lambda_${other}`);
      await workbench.invoke('Old2', '{}');
      await workbench.invoke('Same', '{}');
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(
        warnings[0],
        new RegExp(`^${other.replace('.', '\\.')} functions run on the local Node\\.js ${process.versions.node.replace(/\./g, '\\.')}`),
      );
    } finally {
      await workbench.close();
    }
  });
});
