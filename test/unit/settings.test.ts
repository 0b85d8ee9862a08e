// package.json's contributes.configuration must declare exactly the settings and defaults of
// common/src/settings.ts, and the client must build the partial settings with the scope rules.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEFAULT_SETTINGS, EDITOR_SETTINGS, RULE_IDS, resolveSettings, type Settings } from '../../common/src/settings';
import { buildPartialSettings, LOOPBACK, SETTING_KEYS, type ScopedValues } from '../../client/src/settingsScopes';

interface ConfigProperty {
  default: unknown;
  scope?: string;
  properties?: Record<string, { enum?: string[] }>;
}
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  contributes: { configuration: { properties: Record<string, ConfigProperty> } };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
};
const properties = manifest.contributes.configuration.properties;

describe('package.json settings', () => {
  it('declares every setting of DEFAULT_SETTINGS with the same default, and nothing else', () => {
    const declared = Object.keys(properties).sort();
    assert.deepEqual(declared, [...SETTING_KEYS, ...Object.keys(EDITOR_SETTINGS)].map((k) => `otelFlowMap.${k}`).sort());
    for (const [key, value] of Object.entries(EDITOR_SETTINGS)) assert.equal(properties[`otelFlowMap.${key}`].default, value, `default of otelFlowMap.${key}`);
    assert.deepEqual(properties['otelFlowMap.sources'].default, DEFAULT_SETTINGS.sources);
    for (const section of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
      if (Array.isArray(DEFAULT_SETTINGS[section])) continue;
      for (const [key, value] of Object.entries(DEFAULT_SETTINGS[section])) {
        assert.deepEqual(properties[`otelFlowMap.${section}.${key}`].default, value, `default of otelFlowMap.${section}.${key}`);
      }
    }
  });

  it('lists every rule id under severities with the five severities', () => {
    const rules = properties['otelFlowMap.analysis.severities'].properties ?? {};
    assert.deepEqual(Object.keys(rules).sort(), [...RULE_IDS].sort());
    for (const rule of RULE_IDS) assert.deepEqual(rules[rule].enum, ['error', 'warning', 'information', 'hint', 'off']);
  });

  it('keeps the receiver address and token, and the sources, machine-scoped and restricted in untrusted workspaces', () => {
    for (const key of ['receiver.bindAddress', 'receiver.authToken', 'sources']) {
      assert.equal(properties[`otelFlowMap.${key}`].scope, 'machine');
      assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(`otelFlowMap.${key}`));
    }
  });
});

describe('buildPartialSettings', () => {
  const inspector = (values: Record<string, ScopedValues>) => (key: string) => values[key];

  it('includes only what the user set, most specific scope first, and pins loopback + empty token', () => {
    const partial = buildPartialSettings(
      inspector({
        'receiver.grpcPort': { globalValue: 5000, workspaceValue: 5001 },
        'analysis.genericNames': { workspaceFolderValue: ['x'], globalValue: ['y'] },
      }),
      true,
    );
    assert.deepEqual(partial, {
      receiver: { grpcPort: 5001, bindAddress: LOOPBACK, authToken: '' },
      analysis: { genericNames: ['x'] },
    });
  });

  it('merges object settings across scopes', () => {
    const partial = buildPartialSettings(
      inspector({ 'analysis.severities': { globalValue: { 'generic-name': 'off', 'id-in-name': 'hint' }, workspaceValue: { 'generic-name': 'error' } } }),
      true,
    );
    assert.deepEqual(partial.analysis.severities, { 'generic-name': 'error', 'id-in-name': 'hint' });
  });

  it('never takes bindAddress or authToken from a workspace', () => {
    const partial = buildPartialSettings(
      inspector({
        'receiver.bindAddress': { workspaceValue: '0.0.0.0', workspaceFolderValue: '0.0.0.0' },
        'receiver.authToken': { workspaceValue: 'from-repo' },
      }),
      true,
    );
    assert.equal(partial.receiver.bindAddress, LOOPBACK);
    assert.equal(partial.receiver.authToken, '');
  });

  it('takes otelFlowMap.sources from user settings only (a source gets the token from the environment)', () => {
    const fromWorkspace = buildPartialSettings(inspector({ sources: { workspaceValue: ['jaeger=http://evil.example:16686'], workspaceFolderValue: ['prometheus=http://evil.example'] } }), true);
    assert.equal(fromWorkspace.sources, undefined);
    assert.deepEqual(resolveSettings(fromWorkspace).sources, []);
    const fromUser = buildPartialSettings(inspector({ sources: { globalValue: ['jaeger=http://jaeger:16686', 7] } }), true);
    assert.deepEqual(fromUser.sources, ['jaeger=http://jaeger:16686']);
    assert.deepEqual(resolveSettings(fromUser).sources, ['jaeger=http://jaeger:16686']);
  });

  it('honours the user-scoped bindAddress and token in a trusted workspace', () => {
    const partial = buildPartialSettings(
      inspector({ 'receiver.bindAddress': { globalValue: '0.0.0.0' }, 'receiver.authToken': { globalValue: 's3cret' } }),
      true,
    );
    assert.equal(partial.receiver.bindAddress, '0.0.0.0');
    assert.equal(partial.receiver.authToken, 's3cret');
  });

  it('forces loopback and ignores workspace forwardTo in an untrusted workspace', () => {
    const partial = buildPartialSettings(
      inspector({
        'receiver.bindAddress': { globalValue: '0.0.0.0' },
        'receiver.forwardTo': { workspaceValue: 'http://evil.example/v1/traces' },
        'receiver.httpPort': { workspaceValue: 9999 },
      }),
      false,
    );
    assert.equal(partial.receiver.bindAddress, LOOPBACK);
    assert.equal(partial.receiver.forwardTo, undefined);
    assert.equal(partial.receiver.httpPort, 9999);
  });

  it('yields a partial the server resolves without surprises, even from wrong-typed values', () => {
    const partial = buildPartialSettings(inspector({ 'receiver.grpcPort': { globalValue: 'not a port' }, 'analysis.include': { globalValue: ['src/**'] } }), true);
    const resolved = resolveSettings(partial);
    assert.equal(resolved.receiver.grpcPort, DEFAULT_SETTINGS.receiver.grpcPort);
    assert.deepEqual(resolved.analysis.include, ['src/**']);
  });
});
