import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jwksFromSetting } from '../../../src/extension/jwksSetting';
import { REPO_ROOT } from '../helpers/build';

// The `lambdaWorkbench.jwks` setting → the engine's `jwks` (no VS Code).

describe('extension: the jwks setting', () => {
  it('keeps inline JWKS and JSON text, and makes file paths absolute against the workspace folder', () => {
    const inline = { keys: [{ kty: 'RSA', kid: 'k', n: 'AQAB', e: 'AQAB' }] };
    const { jwks, problems } = jwksFromSetting(
      {
        'https://a.example': 'keys/a.json',
        'https://b.example': '/abs/b.json',
        'https://c.example': inline,
        'https://d.example': '{"keys": []}',
      },
      '/work/folder',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(jwks, {
      'https://a.example': path.resolve('/work/folder', 'keys/a.json'),
      'https://b.example': '/abs/b.json',
      'https://c.example': inline,
      'https://d.example': '{"keys": []}',
    });
  });

  it('leaves out what is not a path or a JWKS, saying so', () => {
    const { jwks, problems } = jwksFromSetting(
      { 'https://a.example': 42, 'https://b.example': { nope: 1 }, '': 'x.json', 'https://ok.example': 'ok.json' },
      '/f',
    );
    assert.deepEqual(Object.keys(jwks), ['https://ok.example']);
    assert.equal(problems.length, 3);
    assert.match(problems[0]!, /lambdaWorkbench\.jwks\["https:\/\/a\.example"\] must be a JWKS file's path or a JWKS .*refused/);
    assert.deepEqual(jwksFromSetting('keys.json', '/f').problems, [
      'lambdaWorkbench.jwks must be an object: { "<issuer>": "<jwks.json>" or { "keys": [...] } }; ignored.',
    ]);
    assert.deepEqual(jwksFromSetting(undefined, '/f'), { jwks: {}, problems: [] });
  });

  it('package.json declares the setting the extension reads', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const setting = manifest.contributes.configuration.properties['lambdaWorkbench.jwks'];
    assert.equal(setting.type, 'object');
    assert.deepEqual(setting.default, {});
  });
});
