// Issue 11 items 1 and 2 on shapes from published packages: a name whose fallback (`??`, `||`,
// a ternary, a parameter's default) embeds an identifier, and tracers kept in class private fields,
// also as TypeScript and Babel compile them (`__classPrivateFieldGet(this, _Tracer_otTracer, "f")`).
import assert from 'node:assert/strict';
import type { Finding } from '../../../server/src/analysis/types';
import { WorkspaceAnalyzer } from '../../../server/src/analysis/workspace';
import { defaults } from './fixtures';

async function workspace(files: Record<string, string>): Promise<WorkspaceAnalyzer> {
  const a = await WorkspaceAnalyzer.create(defaults(), ['/ws']);
  for (const [f, text] of Object.entries(files)) a.updateFile(f, text);
  return a;
}

const lines = (findings: Finding[], rule = 'dynamic-span-name') => findings.filter((f) => f.rule === rule).map((f) => f.range.start.line + 1).sort((x, y) => x - y);

// A compiled chat-session stream class (CommonJS `dist/`), names defaulted from the session id.
const SESSIONS = `"use strict";
const api_1 = require("@opentelemetry/api");
const tracer_js_1 = require("./tracer.js");
class SessionInput {
    constructor(sessionId, channel) {
        this.sessionId = sessionId;
        this.channel = channel;
    }
    once(options) {
        return tracer_js_1.tracer
            .startActiveSpan(options?.spanName ?? \`sessions.open(\${this.sessionId}).in.once()\`, async (span) => {
            span.end();
        });
    }
    async waitWithIdleTimeout(options) {
        const spanName = options.spanName ?? \`sessions.open(\${this.sessionId}).in.wait()\`;
        return tracer_js_1.tracer.startActiveSpan(spanName, async (span) => { span.end(); });
    }
    peek(options) {
        return tracer_js_1.tracer.startActiveSpan(options.spanName || (this.channel ? \`sessions.peek.\${this.channel}\` : 'sessions.peek'), (span) => span.end());
    }
    listen(kind, spanName = \`sessions.listen(\${this.sessionId})\`) {
        return tracer_js_1.tracer.startActiveSpan(spanName, (span) => span.end());
    }
    send(method) {
        const label = method === 'GET' ? 'read' : 'write';
        return tracer_js_1.tracer.startActiveSpan(options?.name ?? \`sessions.\${label}\`, (span) => span.end());
    }
}
exports.SessionInput = SessionInput;
`;

describe('TypeScript name fallbacks', () => {
  it('flags a `??` / `||` / default-parameter fallback that embeds an identifier, and not bounded fallbacks', async () => {
    const a = await workspace({ '/ws/dist/sessions.js': SESSIONS, '/ws/dist/tracer.js': "const api = require('@opentelemetry/api');\nexports.tracer = api.trace.getTracer('sessions');\n" });
    const findings = a.findingsOf('/ws/dist/sessions.js');
    assert.deepEqual(lines(findings), [11, 17, 23]);
    assert.match(findings.find((f) => f.range.start.line === 10)!.message, /identifier through `this\.sessionId`/);
  });

  it('keeps a parameter with a literal fallback as a parameter, judged at the call sites', async () => {
    const a = await workspace({
      '/ws/trace.ts': "import { trace } from '@opentelemetry/api';\nconst tracer = trace.getTracer('x');\nexport function traced(name?: string) {\n  return tracer.startActiveSpan(name ?? 'unnamed', (span) => span.end());\n}\n",
      '/ws/use.ts': "import { traced } from './trace';\nexport function load(orderId: string) {\n  traced('orders.load');\n  traced(`orders.load.${orderId}`);\n}\n",
    });
    assert.deepEqual(a.sitesOf('/ws/trace.ts')[0].name?.parts?.map((p) => [p.bound, p.param?.name]), [['unknown', 'name']]);
    assert.deepEqual(lines(a.findingsOf('/ws/use.ts')), [4]);
  });
});

// @medusajs/framework's Tracer, as tsc emits a class with a `#otTracer` field for ES2021.
const COMPILED_TRACER = `"use strict";
var __classPrivateFieldSet = (this && this.__classPrivateFieldSet) || function (receiver, state, value, kind, f) { return state.set(receiver, value), value; };
var __classPrivateFieldGet = (this && this.__classPrivateFieldGet) || function (receiver, state, kind, f) { return state.get(receiver); };
var _Tracer_otTracer;
Object.defineProperty(exports, "__esModule", { value: true });
exports.Tracer = void 0;
const opentelemetry_api_1 = require("../deps/opentelemetry-api");
class Tracer {
    constructor(name, version) {
        this.name = name;
        _Tracer_otTracer.set(this, void 0);
        __classPrivateFieldSet(this, _Tracer_otTracer, opentelemetry_api_1.trace.getTracer(name, version), "f");
    }
    trace(name, callback) {
        return __classPrivateFieldGet(this, _Tracer_otTracer, "f").startActiveSpan(name, callback);
    }
}
exports.Tracer = Tracer;
_Tracer_otTracer = new WeakMap();
`;

const INSTRUMENTATION = `"use strict";
const telemetry_1 = require("@medusajs/framework/telemetry");
function instrumentHttpLayer(startCommand, ApiLoader) {
    const HTTPTracer = new telemetry_1.Tracer("@medusajs/http", "2.0.0");
    startCommand.traceRequestHandler = async (requestHandler, req, res, handlerPath) => {
        const traceName = handlerPath ?? \`\${req.method} \${req.url}\`;
        await HTTPTracer.trace(traceName, async (span) => {
            try { await requestHandler(); } finally { span.end(); }
        });
    };
    ApiLoader.traceRoute = (handler) => async (req, res) => {
        const label = req.route?.path ?? \`\${req.method} \${req.originalUrl}\`;
        await HTTPTracer.trace(\`route handler: \${label}\`, async (span) => { span.end(); });
    };
    ApiLoader.traceMiddleware = (handler) => async (req, res, next) => {
        const traceName = \`middleware: \${handler.name ? handler.name : 'anonymous'}\`;
        await HTTPTracer.trace(traceName, async (span) => { span.end(); });
    };
}
exports.instrumentHttpLayer = instrumentHttpLayer;
`;

describe('TypeScript tracers in private fields', () => {
  it('resolves a compiled private field through its writes, and judges the wrapper at its callers', async () => {
    const a = await workspace({ '/ws/framework/telemetry/index.js': COMPILED_TRACER, '/ws/medusa/instrumentation/index.js': INSTRUMENTATION });
    const sites = a.sitesOf('/ws/framework/telemetry/index.js');
    assert.deepEqual(sites.map((s) => [s.headRange!.start.line + 1, s.enclosing?.name]), [[15, 'trace']]);
    assert.deepEqual(lines(a.findingsOf('/ws/medusa/instrumentation/index.js')), [7, 13]);
  });

  it('does not take a logger method sharing the wrapper method name (`logger.trace`) for a call of the wrapper', async () => {
    const a = await workspace({
      '/ws/framework/telemetry/index.js': COMPILED_TRACER,
      '/ws/app/orders.js': [
        'const { Tracer } = require("@medusajs/framework/telemetry");',
        'const tracer = new Tracer("orders");',
        'exports.load = async (logger, orderId) => {',
        '    logger.trace(`loading order ${orderId}`);',
        '    console.trace(`order ${orderId}`);',
        '    this.appLogger.trace(`order ${orderId}`);',
        '    return tracer.trace(`orders.load.${orderId}`, async (span) => { span.end(); });',
        '};',
      ].join('\n'),
    });
    assert.deepEqual(lines(a.findingsOf('/ws/app/orders.js')), [7]);
  });

  it('takes a compiled field named like a tracer for one only where the file uses OpenTelemetry', async () => {
    const field = (imports: string) => `${imports}\nclass Api {\n  run() {\n    return __classPrivateFieldGet(this, _Api_tracer, "f").startSpan('api.run');\n  }\n  log() {\n    return __classPrivateFieldGet(this, _Api_client, "f").startSpan('api.log');\n  }\n}\n`;
    const a = await workspace({ '/ws/otel.js': field("const api = require('@opentelemetry/api');"), '/ws/plain.js': field("const x = require('./x');") });
    assert.deepEqual(a.sitesOf('/ws/otel.js').map((s) => s.name?.text), ["'api.run'"]);
    assert.deepEqual(a.sitesOf('/ws/plain.js'), []);
  });

  it('resolves native `#tracer` fields and Babel-compiled ones; another SDK behind the field is no site', async () => {
    const a = await workspace({
      '/ws/native.ts': [
        "import { trace, type Tracer } from '@opentelemetry/api';",
        "import tracerDD from 'dd-trace';",
        'export class Jobs {',
        "  #tracer: Tracer = trace.getTracer('jobs');",
        '  #dd = tracerDD;',
        '  #jobId: string;',
        '  constructor(jobId: string) { this.#jobId = jobId; }',
        "  run() { const s = this.#tracer.startSpan('jobs.run'); s.end(); }",
        "  other() { const s = this.#dd.startSpan('jobs.dd'); s.end(); }",
        '  named() { const s = this.#tracer.startSpan(`jobs.${this.#jobId}`); s.end(); }',
        '}',
      ].join('\n'),
      '/ws/babel.js': [
        "import { trace } from '@opentelemetry/api';",
        'var _otel = /*#__PURE__*/new WeakMap();',
        'export class Queue {',
        '  constructor() {',
        "    _classPrivateFieldInitSpec(this, _otel, { writable: true, value: trace.getTracer('queue') });",
        '  }',
        '  publish(topic) {',
        '    const span = _classPrivateFieldGet(this, _otel).startSpan(`${topic} publish`);',
        '    span.end();',
        '  }',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(a.sitesOf('/ws/native.ts').map((s) => s.name?.text), ["'jobs.run'", '`jobs.${this.#jobId}`']);
    assert.deepEqual(lines(a.findingsOf('/ws/native.ts')), [10]);
    assert.deepEqual(a.sitesOf('/ws/babel.js').map((s) => [s.name?.text, s.scope]), [['`${topic} publish`', 'queue']]);
  });
});
