// `serve --source` values: each kind's options, its defaults, and the usage errors for a bad URL,
// credentials in the URL, an unknown option or a duration out of range; tokens only from the environment.
import assert from 'node:assert/strict';
import { parseSource } from '../../../server/src/telemetry/sources';
import { JAEGER_DEFAULTS } from '../../../server/src/telemetry/sources/jaeger';

describe('serve --source values', () => {
  it('jaeger=<url> with options, defaults and the token from the environment', () => {
    const got = parseSource('jaeger=http://jaeger:16686/,lookback=2h,limit=50,refresh=5s,max-bytes=1000', { OTEL_FLOW_MAP_JAEGER_TOKEN: 't0k' });
    assert.deepEqual(got, {
      kind: 'jaeger', name: 'jaeger=http://jaeger:16686',
      options: { ...JAEGER_DEFAULTS, url: 'http://jaeger:16686', lookbackMs: 7_200_000, limit: 50, refreshMs: 5_000, maxResponseBytes: 1000, token: 't0k' },
    });
    assert.deepEqual(parseSource('jaeger=https://j.example/base', {}), { kind: 'jaeger', name: 'jaeger=https://j.example/base', options: { ...JAEGER_DEFAULTS, url: 'https://j.example/base' } });
  });

  it('refuses what would be a surprise, with a message that names the source kind', () => {
    const cases: [string, RegExp][] = [
      ['jaeger=ftp://x', /jaeger source: the URL must be http or https/],
      ['jaeger=nope', /jaeger source: "nope" is not a URL/],
      ['jaeger=http://u:p@x:16686', /OTEL_FLOW_MAP_JAEGER_TOKEN, not in the URL/],
      ['jaeger=http://x:16686?a=1', /takes no query/],
      ['jaeger=http://x:16686,lookback=10s', /lookback=10s needs a duration 1m … 31d/],
      ['jaeger=http://x:16686,limit=0', /limit=0 needs a positive integer/],
      ['jaeger=http://x:16686,window=5m', /unknown option "window"/],
      ['prometheus=http://u:p@x:9090', /OTEL_FLOW_MAP_PROMETHEUS_TOKEN, not in the URL/],
      ['prometheus=http://x:9090,refresh=2h', /prometheus source: refresh=2h needs a duration 1s … 1h/],
      ['tempo=http://x', /unknown source "tempo" \(local, prometheus=<url>, jaeger=<url>\)/],
    ];
    for (const [spec, why] of cases) {
      const got = parseSource(spec, {});
      assert.equal(typeof got, 'string', spec);
      assert.match(got as string, why, spec);
    }
  });
});
