import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDirEach } from '../helpers/tempDir';
import { findSavedEvent, listSavedEvents, normaliseEventName, readSavedEvent, saveEvent, SavedEventError } from '../../../src/core/events';

describe('saved events (events folder)', () => {
  let dir: string;
  tempDirEach('lwb-events-', (tmp) => (dir = path.join(tmp, 'events')));

  it('saves shared and per-function events as 2-space JSON, refusing to replace one unless asked', () => {
    const shared = saveEvent(dir, 'order', { id: 1 });
    assert.equal(shared.file, path.join(dir, 'order.json'));
    assert.equal(fs.readFileSync(shared.file, 'utf8'), '{\n  "id": 1\n}\n');
    const own = saveEvent(dir, 'order.json', { id: 2 }, { function: 'Orders' });
    assert.deepEqual(own, { name: 'order', function: 'Orders', file: path.join(dir, 'Orders', 'order.json') });
    assert.throws(
      () => saveEvent(dir, 'order', { id: 3 }),
      (e: Error) => e instanceof SavedEventError && /already exists/.test(e.message),
    );
    saveEvent(dir, 'order', { id: 3 }, { overwrite: true });
    assert.equal(JSON.parse(fs.readFileSync(shared.file, 'utf8')).id, 3);
  });

  it("lists shared events then each function's; for a function, the shared ones and its own", () => {
    saveEvent(dir, 'b', {});
    saveEvent(dir, 'a', {});
    saveEvent(dir, 'x', {}, { function: 'Fn' });
    saveEvent(dir, 'y', {}, { function: 'Other' });
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an event');
    assert.deepEqual(
      listSavedEvents(dir).map((e) => `${e.function ?? ''}/${e.name}`),
      ['/a', '/b', 'Fn/x', 'Other/y'],
    );
    assert.deepEqual(
      listSavedEvents(dir, ['Fn', 'fn-name']).map((e) => `${e.function ?? ''}/${e.name}`),
      ['/a', '/b', 'Fn/x'],
    );
    assert.deepEqual(listSavedEvents(path.join(dir, 'missing')), []);
  });

  it("finds a function's own event before the shared one of the same name, and reads it as checked JSON", () => {
    saveEvent(dir, 'e', { v: 'shared' });
    saveEvent(dir, 'e', { v: 'own' }, { function: 'dev-fn' });
    assert.equal(JSON.parse(readSavedEvent(findSavedEvent(dir, 'e', ['Fn', 'dev-fn'])!)).v, 'own');
    assert.equal(JSON.parse(readSavedEvent(findSavedEvent(dir, 'e.json', ['Other'])!)).v, 'shared');
    assert.equal(findSavedEvent(dir, 'none', ['Fn']), undefined);
    fs.writeFileSync(path.join(dir, 'broken.json'), '{oops');
    assert.throws(() => readSavedEvent(findSavedEvent(dir, 'broken', [])!), /broken\.json is not valid JSON/);
  });

  it("refuses an event that is a link out of the events folder, without echoing the target's content", () => {
    const outside = path.join(path.dirname(dir), 'secret.txt');
    fs.writeFileSync(outside, 'root:x:0:0:TOPSECRET\n');
    fs.mkdirSync(path.join(dir, 'Fn'), { recursive: true });
    fs.symlinkSync(outside, path.join(dir, 'passwd.json'));
    fs.symlinkSync(path.dirname(dir), path.join(dir, 'Up'));
    fs.symlinkSync(outside, path.join(dir, 'Fn', 'own.json'));
    const attempts = [
      () => readSavedEvent(findSavedEvent(dir, 'passwd', [])!),
      () => readSavedEvent(listSavedEvents(dir).find((e) => e.name === 'passwd')!),
      () => readSavedEvent(findSavedEvent(dir, 'own', ['Fn'])!),
      // A function folder that is itself a link out of the events folder.
      () => readSavedEvent(findSavedEvent(dir, 'secret', ['Up'])!),
      // Without the events folder (the extension's stored path): the file's own folder bounds it.
      () => readSavedEvent({ name: 'passwd', file: path.join(dir, 'passwd.json') }),
    ];
    fs.renameSync(outside, outside.replace('.txt', '.json'));
    fs.writeFileSync(outside, 'root:x:0:0:TOPSECRET\n');
    for (const attempt of attempts) {
      assert.throws(
        attempt,
        (e: Error) =>
          e instanceof SavedEventError && /outside the events folder/.test(e.message) && !e.message.includes('TOPSECRET') && !e.message.includes('root:'),
      );
    }
    // A link that stays inside the folder is fine.
    saveEvent(dir, 'real', { ok: true });
    fs.symlinkSync(path.join(dir, 'real.json'), path.join(dir, 'alias.json'));
    assert.deepEqual(JSON.parse(readSavedEvent(findSavedEvent(dir, 'alias', [])!)), { ok: true });
  });

  it("a JSON error gives the line and column, never the file's content", () => {
    const cases: Array<[string, string]> = [
      ['{\n  "token": "TOPSECRET",\n  oops\n}', 'unexpected character at line 3, column 3'],
      ['TOPSECRET', 'unexpected character at line 1, column 1'],
      ['{"a": "TOPSECRET"', 'unexpected end at line 1, column 18'],
      ['{"a": 1} TOPSECRET', 'unexpected character at line 1, column 10'],
      ['["TOPSECRET\u0001"]', 'unexpected character at line 1, column 12'],
    ];
    for (const [text, expected] of cases) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'bad.json'), text);
      assert.throws(
        () => readSavedEvent(findSavedEvent(dir, 'bad', [])!),
        (e: Error) => {
          assert.equal(e.message, `${path.join(dir, 'bad.json')} is not valid JSON: ${expected}`);
          return true;
        },
      );
    }
  });

  it('names are file names: no paths', () => {
    for (const bad of ['../x', 'a/b', '', '.hidden', 'a b']) assert.throws(() => normaliseEventName(bad), SavedEventError, bad);
    assert.equal(normaliseEventName('s3-put_1.v2.json'), 's3-put_1.v2');
    assert.throws(() => saveEvent(dir, 'ok', {}, { function: '../up' }), SavedEventError);
  });
});
