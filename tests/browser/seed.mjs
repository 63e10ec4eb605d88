// Writes the inputs that seed the dashboard's test database, with recent dates so that
// every chart has something to draw:
//
//   OUT/eml/*.eml    the sample bounces of testdata/bounces, their dates moved into the
//                    last days (one message every 47 minutes, newest first), plus one
//                    bounce whose diagnostic carries markup (<script>…) to prove escaping;
//   OUT/kumo.jsonl   KumoMTA log records: deliveries (for the bounce rate), hard and soft
//                    bounces at several domains, blocks by a large provider (a sender
//                    alert) and six system errors at one domain within an hour (a domain
//                    incident).
//
// Usage: node seed.mjs TESTDATA_BOUNCES OUT
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [src, out] = process.argv.slice(2);
if (!src || !out) {
  console.error('usage: node seed.mjs TESTDATA_BOUNCES OUT');
  process.exit(2);
}
mkdirSync(join(out, 'eml'), { recursive: true });

const now = Math.floor(Date.now() / 1000);
const MIN = 60;
const HOUR = 3600;
const DAY = 86400;

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n) => String(n).padStart(2, '0');
function rfc2822(t) {
  const d = new Date(t * 1000);
  return `${days[d.getUTCDay()]}, ${two(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

// An RFC 2822 date with or without weekday, seconds optional, any numeric zone.
const DATE = /(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s+)?\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s+[+-]\d{4}/g;

const files = readdirSync(src).filter((f) => f.endsWith('.eml')).sort();
files.forEach((f, i) => {
  // Spread over about two days, then older ones a few hours apart over four weeks.
  const t = i < 60 ? now - 20 * MIN - i * 47 * MIN : now - 2 * DAY - (i - 60) * 8 * HOUR;
  const text = readFileSync(join(src, f), 'latin1').replace(DATE, rfc2822(t));
  writeFileSync(join(out, 'eml', f), text, 'latin1');
});

// Markup in a bounce: it must show as text, never run.
writeFileSync(
  join(out, 'eml', 'zz-hostile.eml'),
  [
    'From: MAILER-DAEMON@mx.evil.example',
    'To: sender@shop.example.org',
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${rfc2822(now - 5 * MIN)}`,
    'Message-ID: <hostile-1@mx.evil.example>',
    'Content-Type: text/plain',
    '',
    'This is the mail system at host mx.evil.example.',
    '',
    '<victim@evil.example>: host mx.evil.example[192.0.2.66] said: 550 5.1.1',
    '    <victim@evil.example>: User unknown <script>alert("xss")</script> <img src=x onerror=alert(2)> (in reply to RCPT TO command)',
    '',
  ].join('\n'),
);

// KumoMTA records.
const lines = [];
let n = 0;
function rec(type, recipient, t, code, enhanced, content, site) {
  n += 1;
  const domain = recipient.split('@')[1];
  lines.push(
    JSON.stringify({
      type,
      id: `seed-${n}`,
      sender: 'news@shop.example.org',
      recipient,
      queue: domain,
      site: site ?? `shop->mx.${domain}`,
      size: 30000,
      response: {
        code,
        enhanced_code: enhanced ? { class: enhanced[0], subject: enhanced[1], detail: enhanced[2] } : null,
        content,
        command: type === 'Delivery' ? '.\r\n' : 'RCPT TO:<' + recipient + '>\r\n',
      },
      peer_address: { name: site ?? `mx.${domain}`, addr: '192.0.2.10' },
      timestamp: t,
      created: t - 2,
      num_attempts: 1,
      headers: { 'Message-ID': `<seed-${n}@shop.example.org>`, Subject: 'Autumn offers' },
      meta: { campaign: 'autumn' },
    }),
  );
}

const domains = ['example.com', 'example.net', 'mail.example.org', 'shop.example'];
// Deliveries: every 3 hours over 14 days, heavier in the last two days.
for (let t = now - 14 * DAY; t < now - 2 * DAY; t += 3 * HOUR) {
  const d = domains[Math.floor(t / HOUR) % domains.length];
  rec('Delivery', `reader${t % 97}@${d}`, t, 250, [2, 0, 0], '250 2.0.0 OK queued', undefined);
}
for (let t = now - 47 * HOUR; t < now; t += 40 * MIN) {
  const d = domains[Math.floor(t / MIN) % domains.length];
  rec('Delivery', `reader${t % 89}@${d}`, t, 250, [2, 0, 0], '250 2.0.0 OK queued', undefined);
}
// Hard and soft bounces over the last 20 days.
for (let i = 0; i < 30; i++) {
  const t = now - 30 * MIN - i * 15 * HOUR;
  const d = domains[i % domains.length];
  if (i % 3 === 2) {
    rec('TransientFailure', `full${i}@${d}`, t, 452, [4, 2, 2], `452 4.2.2 <full${i}@${d}>: Mailbox full`, undefined);
  } else {
    rec('Bounce', `gone${i}@${d}`, t, 550, [5, 1, 1], `550 5.1.1 <gone${i}@${d}>: Recipient address rejected: User unknown`, undefined);
  }
}
// Blocks by a large provider: a sender alert, never a suppression.
for (let i = 0; i < 4; i++) {
  rec(
    'Bounce',
    `customer${i}@gmail.com`,
    now - 2 * HOUR - i * 5 * HOUR,
    550,
    [5, 7, 1],
    '550-5.7.1 [192.0.2.10] Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked. gsmtp',
    'gmail-smtp-in.l.google.com',
  );
}
// A domain in trouble: six recipients fail with a mail system error within an hour.
for (let i = 0; i < 6; i++) {
  rec('Bounce', `staff${i}@outage.example`, now - 90 * MIN + i * 5 * MIN, 550, [5, 3, 0], '550 5.3.0 Mail system error: local delivery failed', undefined);
}
writeFileSync(join(out, 'kumo.jsonl'), lines.join('\n') + '\n');
console.log(`seed: ${files.length + 1} messages, ${lines.length} log records in ${out}`);
