import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findSavedEvent, listSavedEvents, normaliseEventName, readSavedEvent, saveEvent, SavedEventError } from '../../../src/core/events';

describe('saved events (events folder)', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-events-')), 'events');
  });
  afterEach(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('saves shared and per-function events as 2-space JSON, refusing to replace one unless asked', () => {
    const shared = saveEvent(dir, 'order', { id: 1 });
    assert.equal(shared.file, path.join(dir, 'order.json'));
    assert.equal(fs.readFileSync(shared.file, 'utf8'), '{\n  "id": 1\n}\n');
    const own = saveEvent(dir, 'order.json', { id: 2 }, { function: 'Orders' });
    assert.deepEqual(own, { name: 'order', function: 'Orders', file: path.join(dir, 'Orders', 'order.json') });
    assert.throws(() => saveEvent(dir, 'order', { id: 3 }), (e: Error) => e instanceof SavedEventError && /already exists/.test(e.message));
    saveEvent(dir, 'order', { id: 3 }, { overwrite: true });
    assert.equal(JSON.parse(fs.readFileSync(shared.file, 'utf8')).id, 3);
  });

  it('lists shared events then each function\'s; for a function, the shared ones and its own', () => {
    saveEvent(dir, 'b', {});
    saveEvent(dir, 'a', {});
    saveEvent(dir, 'x', {}, { function: 'Fn' });
    saveEvent(dir, 'y', {}, { function: 'Other' });
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an event');
    assert.deepEqual(listSavedEvents(dir).map((e) => `${e.function ?? ''}/${e.name}`), ['/a', '/b', 'Fn/x', 'Other/y']);
    assert.deepEqual(listSavedEvents(dir, ['Fn', 'fn-name']).map((e) => `${e.function ?? ''}/${e.name}`), ['/a', '/b', 'Fn/x']);
    assert.deepEqual(listSavedEvents(path.join(dir, 'missing')), []);
  });

  it('finds a function\'s own event before the shared one of the same name, and reads it as checked JSON', () => {
    saveEvent(dir, 'e', { v: 'shared' });
    saveEvent(dir, 'e', { v: 'own' }, { function: 'dev-fn' });
    assert.equal(JSON.parse(readSavedEvent(findSavedEvent(dir, 'e', ['Fn', 'dev-fn'])!)).v, 'own');
    assert.equal(JSON.parse(readSavedEvent(findSavedEvent(dir, 'e.json', ['Other'])!)).v, 'shared');
    assert.equal(findSavedEvent(dir, 'none', ['Fn']), undefined);
    fs.writeFileSync(path.join(dir, 'broken.json'), '{oops');
    assert.throws(() => readSavedEvent(findSavedEvent(dir, 'broken', [])!), /broken\.json is not valid JSON/);
  });

  it('names are file names: no paths', () => {
    for (const bad of ['../x', 'a/b', '', '.hidden', 'a b']) assert.throws(() => normaliseEventName(bad), SavedEventError, bad);
    assert.equal(normaliseEventName('s3-put_1.v2.json'), 's3-put_1.v2');
    assert.throws(() => saveEvent(dir, 'ok', {}, { function: '../up' }), SavedEventError);
  });
});
