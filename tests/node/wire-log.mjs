// Prints one line per HTTP exchange a Node SDK makes, from Node's own diagnostics channels (observation only: the
// SDK and its options are untouched). Covers both clients the SDKs use: fetch (undici) and the http module (axios).
//   wire: POST http://127.0.0.1:5000/v1/batch content-type=application/json content-encoding=gzip auth=Basic -> 429 retry-after=1
// The write key is never printed: only the Authorization scheme.
import dc from 'node:diagnostics_channel';

const shown = ['content-type', 'content-encoding', 'x-retry-count'];

function describe(method, url, headers) {
  const parts = shown.filter((name) => headers[name] !== undefined).map((name) => `${name}=${headers[name]}`);
  if (headers.authorization !== undefined) {
    parts.push(`auth=${String(headers.authorization).split(' ')[0]}`);
  }
  return `${method} ${url} ${parts.join(' ')}`.trimEnd();
}

function answer(status, headers) {
  return `${status} retry-after=${headers['retry-after'] ?? '-'}`;
}

// undici keeps headers as a flat [name, value, name, value, ...] list.
function pairs(list) {
  const headers = {};
  for (let i = 0; i + 1 < list.length; i += 2) {
    headers[String(list[i]).toLowerCase()] = String(list[i + 1]);
  }
  return headers;
}

const requests = new WeakMap();
dc.subscribe('undici:request:create', ({ request }) => {
  requests.set(request, describe(request.method, request.origin + request.path, Array.isArray(request.headers) ? pairs(request.headers) : {}));
});
dc.subscribe('undici:request:headers', ({ request, response }) => {
  console.log(`wire: ${requests.get(request) ?? request.path} -> ${answer(response.statusCode, pairs(response.headers))}`);
});
dc.subscribe('undici:request:error', ({ request, error }) => {
  console.log(`wire: ${requests.get(request) ?? request.path} -> error ${error?.code ?? error?.message ?? error}`);
});

dc.subscribe('http.client.request.start', ({ request }) => {
  requests.set(request, describe(request.method, `${request.protocol}//${request.getHeader('host') ?? request.host}${request.path}`, request.getHeaders()));
});
dc.subscribe('http.client.response.finish', ({ request, response }) => {
  console.log(`wire: ${requests.get(request) ?? request.path} -> ${answer(response.statusCode, response.headers)}`);
});
