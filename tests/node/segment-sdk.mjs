// Sends identify (with an email trait), page and track through the unchanged Segment Node SDK,
// exactly as an application would, to prove the host speaks the Segment wire format.
// Usage: node tests/node/segment-sdk.mjs <host url> <write key> <userId> <email> [flush timeout ms]
// Every HTTP answer is printed ("POST <url> -> <status> retry-after=<s>"); a 429 the SDK retried past is not a
// failure, an event the SDK gave up on is. Exit 0 when all three were delivered.
import './wire-log.mjs';
import { Analytics } from '@segment/analytics-node';

const [host, writeKey, userId, email, flushTimeout = '15000'] = process.argv.slice(2);
if (!host || !writeKey || !userId || !email) {
  console.error('usage: node segment-sdk.mjs <host url> <write key> <userId> <email> [flush timeout ms]');
  process.exit(2);
}

// The SDK posts {host}{path}; path defaults to /v1/batch. One flush carries all three calls.
const analytics = new Analytics({ writeKey, host, path: '/v1/batch', flushAt: 3, flushInterval: 500, maxRetries: 2 });

let failures = 0;
analytics.on('error', (err) => {
  failures++;
  console.error(`SDK error: ${err?.reason?.message ?? err?.reason ?? err?.code ?? err}`);
});
analytics.on('http_response', (response) => {
  console.log(`POST ${response.url} -> ${response.status} retry-after=${response.headers?.['retry-after'] ?? '-'}`);
});

analytics.identify({ userId, traits: { email, name: 'Sdk Tester', plan: 'pro' } });
analytics.page({ userId, category: 'Docs', name: 'Pricing', properties: { path: '/pricing' } });
analytics.track({ userId, event: 'Plan Upgraded', properties: { plan: 'pro', revenue: 49 } });

await analytics.closeAndFlush({ timeout: Number(flushTimeout) });
console.log(failures === 0 ? 'sent identify, page and track' : `${failures} failure(s)`);
process.exit(failures === 0 ? 0 : 1);
