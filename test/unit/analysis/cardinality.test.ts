// The language-neutral half of "is this name part bounded?": what a part's words say when the
// front-end could not tell from the code's meaning (cardinality.ts).
import assert from 'node:assert/strict';
import { parameterParts, textVerdict, unboundedPart, words } from '../../../server/src/analysis/cardinality';
import type { ValueInfo } from '../../../server/src/analysis/types';

const RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

describe('cardinality of name parts', () => {
  it('splits identifiers into words in every naming style', () => {
    assert.deepEqual(words('orderId'), ['order', 'id']);
    assert.deepEqual(words('order_id'), ['order', 'id']);
    assert.deepEqual(words('userID'), ['user', 'id']);
    assert.deepEqual(words('HTTPRoute'), ['http', 'route']);
  });

  it('reads the semantic-convention shapes as bounded', () => {
    for (const text of ['req.method', 'request.method', 'r.Method', 'operation', 'collectionName', 'destination', 'this._topic', 'rpcService', 'route', 'req.route.path', 'req.route?.path', 'request.url_rule', 'request.url_rule.rule', 'c.FullPath()', 'mux.CurrentRoute(r).GetPathTemplate()', 'r.Pattern', 'routeOptions.url', 'tableName', 'topic_name', 'environ["REQUEST_METHOD"]', 'req.baseUrl', 'this.base_url', 'cfg.BaseURL', 'String(propertyKey)', 'methodKey', 'completion_service.ai_model_id', 'modelId', 'self.dag_id', 'graph_id', 'topicInfo.topicId', 'subInfo.subId', 'subscription_id', 'ti.task_id']) {
      assert.equal(textVerdict(text).bound, 'bounded', text);
    }
  });

  it('reads identifiers, keys, raw paths, URLs, clocks and random values as unbounded', () => {
    for (const text of ['orderId', 'order_id', 'userID', 'cacheKey', 'url', 'req.url', 'req.originalUrl', 'request.path', 'r.URL.Path', 'r.URL.String()', 'r.RequestURI', 'email', 'query', 'sqlQuery', 'this.sql', 'Date.now()', 'time.Now()', 'uuid.uuid4()', 'randomUUID()', 'Math.random()', 'String(orderId)', 'str(user_id)', 'strconv.Itoa(userID)', 'orderId.toString()', 'this.#sessionId', 'JSON.stringify(body)', 'environ.get("PATH_INFO", "")', 'cast(str, environ.get("PATH_INFO", "")).strip()', 'scope["path"]', "headers['x-request-id']", 'req.params.slug', 'request.args.get("q")', 'req.query.search', 'run.name', 'self.flow_run.name', 'taskRun.name', 'ti.map_index', 'itemIndex']) {
      assert.equal(textVerdict(text).bound, 'unbounded', text);
    }
  });

  it('gives the benefit of the doubt to anything it cannot read', () => {
    for (const text of ['name', 'spanName', 'this.name', 'moduleName', 'opts.label', 'a ? b : c', 'parts.join(".")', 'keyPrefix', 'pathPrefix', 'idx', 'opts.get("label")', 'input.query', 'workflow_run.name', 'runner.name', 'run_name']) {
      assert.equal(textVerdict(text).bound, 'unknown', text);
    }
  });

  it('lets a declared identifier type decide for an otherwise unknown part', () => {
    assert.equal(textVerdict('x', 'OrderId').bound, 'unbounded');
    assert.equal(textVerdict('x', 'string').bound, 'unknown');
  });

  it('prefers the front-end verdict and leaves undecided parameters to the call sites', () => {
    const value: ValueInfo = {
      constant: false,
      text: '`${op} ${name}`',
      range: RANGE,
      parts: [
        { text: 'op', bound: 'bounded', reason: 'enum member' },
        { text: 'name', bound: 'unknown', param: { index: 0, name: 'name' } },
      ],
    };
    assert.equal(unboundedPart(value), undefined);
    assert.deepEqual(parameterParts(value).map((p) => p.text), ['name']);
    const withId: ValueInfo = { ...value, parts: [...value.parts!, { text: 'userId', bound: 'unknown', param: { index: 1, name: 'userId' } }] };
    assert.equal(unboundedPart(withId)?.part.text, 'userId', 'a parameter named like an ID is wrong in the helper itself');
    assert.deepEqual(parameterParts(withId).map((p) => p.text), ['name']);
  });

  it('falls back to the dynamic part texts, then to the whole text', () => {
    assert.equal(unboundedPart({ constant: false, text: '`order ${orderId}`', range: RANGE, dynamicParts: ['orderId'] })?.reason, 'an identifier');
    assert.equal(unboundedPart({ constant: false, text: 'spanName', range: RANGE }), undefined);
    assert.equal(unboundedPart({ constant: true, value: 'x', text: "'x'", range: RANGE }), undefined);
  });
});
