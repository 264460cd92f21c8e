// Sends identify (with an email trait), page and track through the unchanged RudderStack Node SDK with its defaults
// (gzip on, path /v1/batch, write key as the Basic user name), as an application would, then flushes.
// Usage: node tests/node/rudder-sdk.mjs <host url> <write key> <userId> <email>
// wire-log.mjs prints what went over the wire; exit 0 when all three were delivered.
import './wire-log.mjs';
import Analytics from '@rudderstack/rudder-sdk-node';

const [dataPlaneUrl, writeKey, userId, email] = process.argv.slice(2);
if (!dataPlaneUrl || !writeKey || !userId || !email) {
  console.error('usage: node rudder-sdk.mjs <host url> <write key> <userId> <email>');
  process.exit(2);
}

// Only the two settings every application gives: its write key and its data plane URL.
const analytics = new Analytics(writeKey, { dataPlaneUrl });

// Each call's callback gets the delivery error, if any (flush() itself settles either way).
let failures = 0;
let settled = 0;
let allSettled;
const done = new Promise((resolve) => { allSettled = resolve; });
const delivered = (err) => {
  if (err) {
    failures++;
    console.error(`SDK error: ${err?.message ?? err}`);
  }
  if (++settled === 3) {
    allSettled();
  }
};
analytics.identify({ userId, traits: { email, name: 'Rudder Tester', plan: 'team' } }, delivered);
analytics.page({ userId, category: 'Docs', name: 'Pricing', properties: { path: '/pricing' } }, delivered);
analytics.track({ userId, event: 'Plan Upgraded', properties: { plan: 'team', revenue: 99 } }, delivered);

const deadline = setTimeout(() => {
  console.error('flush did not finish in 20 s');
  process.exit(1);
}, 20000);
await analytics.flush();
await done;
clearTimeout(deadline);
console.log(failures === 0 ? 'sent identify, page and track' : `${failures} failure(s)`);
process.exit(failures === 0 ? 0 : 1);
