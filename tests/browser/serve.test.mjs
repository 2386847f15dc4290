// The page's static server answers malformed and escaping request paths with an error status
// and keeps serving (a bad request must not crash it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { serve } from './harness.mjs';

/** Sends GET `path` verbatim (no URL normalisation) and resolves to the status code. */
function statusOf(port, path) {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => { res.resume(); ok(res.statusCode); });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to GET ${path} in 10 s`)));
    req.on('error', fail);
    req.end();
  });
}

test('bad request paths get 400/403/404 and the server keeps serving the page', async () => {
  const { server } = await serve();
  const port = server.address().port;
  try {
    assert.equal(await statusOf(port, '//'), 400);
    assert.equal(await statusOf(port, '/%E0%A4%A'), 400);
    assert.equal(await statusOf(port, '/%00'), 400);
    assert.equal(await statusOf(port, '/..%2fCargo.toml'), 403);
    assert.equal(await statusOf(port, '/..%2fwww-not-there%2fx'), 403);
    assert.equal(await statusOf(port, '/pkg/..%2f..%2fCargo.toml'), 403);
    assert.equal(await statusOf(port, '/no-such-file.js'), 404);
    assert.equal(await statusOf(port, '/'), 200);
    assert.equal(await statusOf(port, '/pkg/ufdn.js'), 200);
  } finally {
    server.close();
  }
});
