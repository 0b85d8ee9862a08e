// The JSON schema VS Code validates otel-flow-map.json with (contributes.jsonValidation) must
// describe the same analysis settings, types and defaults as the manifest, and accept both
// shapes config.ts reads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../common/src/settings';

const root = join(__dirname, '..', '..');
/** The parts of package.json these tests read. */
interface Manifest {
  activationEvents: string[];
  contributes: {
    jsonValidation: unknown;
    configuration: { properties: Record<string, { type?: string; default?: unknown; scope?: string; enum?: string[]; markdownDeprecationMessage?: string }> };
    walkthroughs: { steps: { media: { markdown?: string; image?: string } }[] }[];
  };
}
interface SettingSchema {
  type: string;
  default: unknown;
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const schema = JSON.parse(readFileSync(join(root, 'schemas', 'otel-flow-map.schema.json'), 'utf8')) as {
  definitions: { analysis: { properties: Record<string, SettingSchema> } };
  properties: Record<string, { $ref?: string } | undefined>;
};

describe('otel-flow-map.json schema', () => {
  it('is contributed through jsonValidation', () => {
    assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: 'otel-flow-map.json', url: './schemas/otel-flow-map.schema.json' }]);
  });

  it('has every analysis setting of the manifest, with its type and default', () => {
    const props = schema.definitions.analysis.properties;
    assert.deepEqual(Object.keys(props).sort(), Object.keys(DEFAULT_SETTINGS.analysis).sort());
    for (const [key, def] of Object.entries(props)) {
      const manifest = pkg.contributes.configuration.properties[`otelFlowMap.analysis.${key}`];
      assert.equal(def.type, manifest.type, key);
      assert.deepEqual(def.default, manifest.default, key);
    }
  });

  it('accepts the nested and the top-level shape', () => {
    assert.equal(schema.properties.analysis?.$ref, '#/definitions/analysis');
    for (const key of Object.keys(DEFAULT_SETTINGS.analysis)) assert.ok(schema.properties[key], key);
  });
});

describe('manifest conventions', () => {
  it('declares no onCommand activation event (VS Code infers them from contributes.commands)', () => {
    assert.deepEqual(pkg.activationEvents.filter((e) => e.startsWith('onCommand:')), []);
  });

  it('scopes every setting: analysis per folder (resource), the receiver per window or machine', () => {
    for (const [key, p] of Object.entries(pkg.contributes.configuration.properties)) {
      if (key.startsWith('otelFlowMap.analysis.')) assert.equal(p.scope, 'resource', key);
      else assert.ok(['window', 'machine', 'machine-overridable'].includes(p.scope ?? ''), `${key}: ${p.scope}`);
    }
  });

  it('offers autoStart auto | always | never, default auto, and deprecates enabled', () => {
    const props = pkg.contributes.configuration.properties;
    assert.deepEqual(props['otelFlowMap.receiver.autoStart'].enum, ['auto', 'always', 'never']);
    assert.equal(props['otelFlowMap.receiver.autoStart'].default, 'auto');
    assert.ok(props['otelFlowMap.receiver.enabled'].markdownDeprecationMessage);
  });

  it('has a Get Started walkthrough whose media ship in the .vsix', () => {
    const [walkthrough] = pkg.contributes.walkthroughs;
    assert.ok(walkthrough.steps.length >= 3);
    const shipped = readFileSync(join(root, '.vscodeignore'), 'utf8');
    for (const step of walkthrough.steps) {
      const media = step.media.markdown ?? step.media.image ?? '';
      assert.ok(readFileSync(join(root, media)).length > 0, media);
      assert.ok(/^!docs\/(walkthrough|images)\/\*\*$/m.test(shipped), '.vscodeignore lets the media in');
    }
  });
});
