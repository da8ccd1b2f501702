import { strict as assert } from 'node:assert';
import {
  aliasLabel,
  aliasRouting,
  configDescription,
  environmentDescription,
  environmentIcon,
  environmentLabel,
  environmentStateLabel,
  formatAge,
  formatPercent,
  initializationLabel,
  parseWeight,
  sortVersions,
  type EnvironmentSnapshot,
} from '../../../src/extension/viewLabels';

describe('extension view labels', () => {
  it('formats percentages without float noise', () => {
    assert.equal(formatPercent(0.1), '10%');
    assert.equal(formatPercent(1 - 0.1), '90%');
    assert.equal(formatPercent(0.333), '33.3%');
    assert.equal(formatPercent(0.12345), '12.35%');
    assert.equal(formatPercent(0), '0%');
    assert.equal(formatPercent(1), '100%');
  });

  it('labels aliases as prod → 3, or with weighted routing', () => {
    assert.equal(aliasRouting('3'), '3');
    assert.equal(aliasRouting('3', {}), '3');
    assert.equal(aliasLabel('prod', '3'), 'prod → 3');
    assert.equal(aliasLabel('prod', '3', { '4': 0.1 }), 'prod → 3 (90%) / 4 (10%)');
    assert.equal(aliasLabel('canary', '$LATEST'), 'canary → $LATEST');
    assert.equal(aliasLabel('live', '7', { '8': 0.05 }), 'live → 7 (95%) / 8 (5%)');
  });

  it('describes a configuration', () => {
    assert.equal(configDescription({ runtime: 'nodejs20.x', memorySize: 128, timeout: 3 }), 'nodejs20.x · 128 MB · 3 s');
  });

  it('formats ages', () => {
    assert.equal(formatAge(0), '0s');
    assert.equal(formatAge(-5), '0s');
    assert.equal(formatAge(45_900), '45s');
    assert.equal(formatAge(125_000), '2m 05s');
    assert.equal(formatAge(3_840_000), '1h 04m');
    assert.equal(formatAge(2 * 86_400_000 + 3 * 3_600_000), '2d 03h');
  });

  it('labels environment states, with the init sub-phase', () => {
    assert.equal(environmentStateLabel('Initializing', 'runtime'), 'initializing (runtime)');
    assert.equal(environmentStateLabel('Initializing'), 'initializing');
    assert.equal(environmentStateLabel('Idle'), 'idle');
    assert.equal(environmentStateLabel('Invoking'), 'invoking');
    assert.equal(environmentStateLabel('ShuttingDown'), 'shutting down');
    assert.equal(initializationLabel('on-demand'), 'cold start');
    assert.equal(initializationLabel('provisioned-concurrency'), 'provisioned');
    assert.equal(environmentIcon('Initializing'), 'loading~spin');
    assert.equal(environmentIcon('Idle'), 'vm');
  });

  it('describes an environment: state, kind, age, invocations, memory', () => {
    const env: EnvironmentSnapshot = {
      id: 'env-1234abcd',
      functionName: 'HelloCjs',
      version: '$LATEST',
      state: 'Idle',
      initializationType: 'on-demand',
      createdAt: 1_000,
      invocations: 3,
      maxMemoryUsedMb: 45,
      memorySizeMb: 128,
    };
    assert.equal(environmentLabel(env), 'HelloCjs:$LATEST');
    assert.equal(environmentDescription(env, 126_000), 'idle · cold start · 2m 05s · 3 invocations · 45 / 128 MB');
    const starting = {
      ...env,
      state: 'Initializing',
      initSubPhase: 'function',
      invocations: 0,
      maxMemoryUsedMb: 0,
      initializationType: 'provisioned-concurrency',
    };
    assert.equal(environmentDescription(starting, 2_000), 'initializing (function) · provisioned · 1s · 0 invocations · – / 128 MB');
    assert.equal(environmentDescription({ ...env, invocations: 1, memorySizeMb: undefined }, 1_000), 'idle · cold start · 0s · 1 invocation · 45 MB');
  });

  it('parses alias weights typed as percentages or fractions', () => {
    assert.equal(parseWeight('10'), 0.1);
    assert.equal(parseWeight('10%'), 0.1);
    assert.equal(parseWeight(' 12.5 % '), 0.125);
    assert.equal(parseWeight('0.1'), 0.1);
    assert.equal(parseWeight('.25'), 0.25);
    assert.equal(parseWeight('0.5%'), 0.005);
    assert.equal(parseWeight('100'), 1);
    assert.equal(parseWeight('0'), 0);
    assert.ok(typeof parseWeight('150') === 'object');
    assert.ok(typeof parseWeight('-5') === 'object');
    assert.ok(typeof parseWeight('ten') === 'object');
    assert.ok(typeof parseWeight('') === 'object');
  });

  it('sorts versions numerically, $LATEST first', () => {
    assert.deepEqual(sortVersions(['10', '2', '$LATEST', '1']), ['$LATEST', '1', '2', '10']);
  });
});
