// The dashboard in a real browser (Debian's Chromium through playwright-core), against
// two servers that run.sh started on a seeded database:
//
//   BK_OPEN_URL    open mode (no tokens, loopback): every page, charts, changes;
//   BK_TOKENS_URL  with [[tokens]]: the login form, the cookie, read vs write access.
//
// JavaScript is off in every page: the dashboard must work without it. Screenshots of
// every page go to BK_SHOTS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const OPEN = process.env.BK_OPEN_URL;
const TOKENS = process.env.BK_TOKENS_URL;
const SHOTS = process.env.BK_SHOTS ?? 'screenshots';
const READ_TOKEN = process.env.BK_READ_TOKEN;
const WRITE_TOKEN = process.env.BK_WRITE_TOKEN;
if (!OPEN || !TOKENS || !READ_TOKEN || !WRITE_TOKEN) {
  throw new Error('run through tests/browser/run.sh (BK_OPEN_URL, BK_TOKENS_URL, BK_READ_TOKEN, BK_WRITE_TOKEN)');
}
mkdirSync(SHOTS, { recursive: true });

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
});

/** A fresh browser profile (own cookies) with JavaScript off; fails on any dialog and on
 *  any request that leaves the server under test. */
async function newPage(base, viewport = { width: 1360, height: 900 }) {
  const context = await browser.newContext({ viewport, javaScriptEnabled: false, acceptDownloads: true, baseURL: base });
  const page = await context.newPage();
  const origin = new URL(base).origin;
  page.problems = [];
  page.on('dialog', (d) => {
    page.problems.push(`dialog: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:')) page.problems.push(`external request: ${u}`);
    if (/\.js(\?|$)/.test(u)) page.problems.push(`script request: ${u}`);
  });
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Landmarks, language, labels and names that every page must have. */
async function checkAccessible(page) {
  assert.equal(await page.locator('main#main').count(), 1, 'one <main> landmark');
  assert.equal(await page.locator('header.top').count(), 1, 'a banner');
  assert.ok(/^(en|de)$/.test(await page.locator('html').getAttribute('lang')), 'document language');
  assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
  // Every visible form control has a label.
  for (const c of await page.locator('input:not([type=hidden]), select, textarea').all()) {
    const id = await c.getAttribute('id');
    assert.ok(id, `control without id: ${await c.evaluate((e) => e.outerHTML)}`);
    assert.equal(await page.locator(`label[for="${id}"]`).count(), 1, `label for #${id}`);
  }
  // Every chart has an accessible name.
  for (const svg of await page.locator('svg[role=img]').all()) {
    const labelled = await svg.getAttribute('aria-labelledby');
    assert.ok(labelled, 'chart without aria-labelledby');
    const first = labelled.split(' ')[0];
    assert.ok((await page.locator(`[id="${first}"]`).textContent()).trim().length > 0, 'chart title');
  }
  // No horizontal scrolling of the whole page.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px`);
}

/** Every bar segment of a chart is as tall as its count says. Returns the total. */
async function checkBars(page, chartId) {
  const svg = page.locator(`#${chartId} svg.plot`);
  assert.equal(await svg.count(), 1, `${chartId} is drawn`);
  const scale = Number(await svg.getAttribute('data-scale'));
  const total = Number(await svg.getAttribute('data-total'));
  assert.ok(scale > 0 && total > 0, `${chartId}: scale ${scale}, total ${total}`);
  const rects = await svg.locator('rect[data-count]').evaluateAll((rs) =>
    rs.map((r) => ({ count: Number(r.getAttribute('data-count')), height: r.getBBox().height, key: r.getAttribute('data-key') })),
  );
  assert.ok(rects.length > 0, `${chartId} has bars`);
  let sum = 0;
  for (const r of rects) {
    assert.ok(r.height > 0, `${chartId}: ${r.key} bar has height`);
    assert.ok(Math.abs(r.height - r.count * scale) < 0.01, `${chartId}: ${r.key} height ${r.height} for ${r.count} × ${scale}`);
    sum += r.count;
  }
  assert.equal(sum, total, `${chartId}: segments add up to the total`);
  return total;
}

describe('open mode', () => {
  test('overview: cards, charts drawn from data, incidents, alerts, domains', async () => {
    const page = await newPage(OPEN);
    await page.goto('/');
    assert.match(page.url(), /\/ui\/$/);
    assert.equal(await page.locator('h1').textContent(), 'Overview');
    const bounces = Number((await page.locator('.card .value').first().textContent()).replace(/\D/g, ''));
    assert.ok(bounces > 50, `bounces card: ${bounces}`);
    const kindTotal = await checkBars(page, 'chart-kind');
    const reasonTotal = await checkBars(page, 'chart-reason');
    assert.equal(kindTotal, bounces, 'the kind chart counts the bounces of the card');
    assert.equal(reasonTotal, bounces, 'both charts count the same bounces');
    assert.ok((await page.locator('#chart-rate circle.dot').count()) > 3, 'bounce rate points where deliveries are known');
    // Legend entries match the series.
    const legend = await page.locator('#chart-kind .legend li').allTextContents();
    assert.ok(legend.some((t) => t.startsWith('hard')), legend.join('|'));
    // Attention.
    assert.ok((await page.locator('section[aria-labelledby=incidents-h]').textContent()).includes('outage.example'));
    const alerts = await page.locator('section[aria-labelledby=alerts-h]').textContent();
    assert.ok(alerts.includes('google') && alerts.includes('spamdetected'), alerts);
    assert.ok((await page.locator('section[aria-labelledby=domains-h] tbody tr').count()) >= 5);
    assert.ok((await page.locator('section[aria-labelledby=latest-h] tbody tr').count()) === 10);
    await checkAccessible(page);
    await shot(page, '01-overview');
    // The hourly view.
    await page.getByRole('link', { name: '48 hours' }).click();
    assert.match(page.url(), /range=48h/);
    assert.equal(await page.locator('#chart-kind g.bar').count(), 48);
    await checkBars(page, 'chart-kind');
    await shot(page, '02-overview-48h');
    // A phone.
    const phone = await newPage(OPEN, { width: 390, height: 844 });
    await phone.goto('/ui/');
    await checkAccessible(phone);
    await shot(phone, '03-overview-phone');
    assert.deepEqual([...page.problems, ...phone.problems], []);
  });

  test('keyboard: the skip link comes first and leads to the content', async () => {
    const page = await newPage(OPEN);
    await page.goto('/ui/events');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.match(page.url(), /#main$/);
    await page.keyboard.press('Tab');
    const tag = await page.evaluate(() => document.activeElement.closest('main') !== null);
    assert.ok(tag, 'focus moved into <main>');
    // Focus is visible.
    await page.goto('/ui/events');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none');
  });

  test('events: filter by kind and domain, detail with every field and the code link', async () => {
    const page = await newPage(OPEN);
    await page.goto('/ui/events');
    await page.getByLabel('Kind').selectOption('hard');
    await page.getByRole('button', { name: 'Filter' }).click();
    assert.match(page.url(), /kind=hard/);
    const kinds = await page.locator('table.events tbody td .badge').allTextContents();
    assert.ok(kinds.length > 5);
    assert.ok(kinds.every((k) => k === 'hard'), kinds.join(','));
    await page.getByLabel('Receiving domain').fill('example.com');
    await page.getByRole('button', { name: 'Filter' }).click();
    const domains = await page.locator('table.events tbody tr td:nth-child(6)').allTextContents();
    assert.ok(domains.length > 0 && domains.every((d) => d === 'example.com'), domains.join(','));
    await shot(page, '04-events');
    await page.getByLabel('Source').selectOption('webhook');
    await page.getByRole('button', { name: 'Filter' }).click();
    assert.ok((await page.locator('main').textContent()).includes('No events match'));
    // Detail.
    await page.goto('/ui/events?kind=hard&domain=example.com');
    await page.locator('table.events tbody th a').first().click();
    assert.match(page.url(), /\/ui\/events\/\d+$/);
    assert.ok((await page.locator('pre.diagnostic').textContent()).length > 10);
    const fields = await page.locator('table.fields th').allTextContents();
    for (const f of ['Recipient', 'Enhanced status code', 'Reason', 'Kind', 'Format', 'Origin']) {
      assert.ok(fields.some((t) => t.startsWith(f)), `field ${f}: ${fields.join('|')}`);
    }
    await checkAccessible(page);
    await shot(page, '05-event-detail');
    await page.locator('ul.codes a').first().click();
    assert.match(page.url(), /\/ui\/codes\/5\.1\.\d+$/);
    assert.ok((await page.locator('h1').textContent()).length > 5);
    assert.deepEqual(page.problems, []);
  });

  test('hostile input shows as text and never runs', async () => {
    const page = await newPage(OPEN);
    // Scripts are enabled here on purpose: an injected one would open a dialog.
    const js = await browser.newContext({ javaScriptEnabled: true, baseURL: OPEN });
    const live = await js.newPage();
    const dialogs = [];
    live.on('dialog', (d) => {
      dialogs.push(d.message());
      d.dismiss().catch(() => {});
    });
    await live.goto('/ui/events?domain=evil.example');
    await live.locator('table.events tbody th a').first().click();
    const diag = await live.locator('pre.diagnostic').textContent();
    assert.ok(diag.includes('<script>alert("xss")</script>'), diag);
    assert.equal(await live.locator('main script, main img').count(), 0);
    await live.goto('/ui/suppressions?q=%3Cscript%3Ealert(3)%3C%2Fscript%3E');
    assert.equal(await live.getByLabel('Address contains').inputValue(), '<script>alert(3)</script>');
    assert.deepEqual(dialogs, []);
    await js.close();
    await page.close();
  });

  test('suppressions: add, search, remove with confirmation, export, import with row errors', async () => {
    const page = await newPage(OPEN);
    await page.goto('/ui/suppressions');
    await page.getByLabel('Email address').fill('Browser.Test@Example.org');
    await page.getByLabel('Note (optional)').fill('added in the browser test');
    await page.getByRole('button', { name: 'Suppress address' }).click();
    assert.ok((await page.locator('.notice.ok').textContent()).includes('browser.test@example.org is now suppressed'));
    assert.ok((await page.locator('table.supp tbody').textContent()).includes('added in the browser test'));
    await shot(page, '06-suppressions-added');
    // A bad address keeps what was typed.
    await page.getByLabel('Email address').fill('not an address');
    await page.getByRole('button', { name: 'Suppress address' }).click();
    assert.ok((await page.locator('.notice.error').textContent()).includes('is not an email address'));
    assert.equal(await page.getByLabel('Email address').inputValue(), 'not an address');
    // Search.
    await page.goto('/ui/suppressions');
    const all = await page.locator('table.supp tbody tr').count();
    await page.getByLabel('Address contains').fill('browser.test');
    await page.getByRole('button', { name: 'Search' }).click();
    assert.equal(await page.locator('table.supp tbody tr').count(), 1);
    assert.ok(all > 1);
    await shot(page, '07-suppressions-search');
    // Remove: a confirmation page first.
    await page.getByRole('link', { name: /Remove browser\.test@example\.org/ }).click();
    assert.match(page.url(), /\/ui\/suppressions\/remove\?/);
    assert.ok((await page.locator('h1').textContent()).includes('browser.test@example.org'));
    await checkAccessible(page);
    await shot(page, '08-suppressions-remove-confirm');
    await page.getByRole('link', { name: 'Cancel' }).click();
    assert.match(page.url(), /\/ui\/suppressions$/);
    await page.goto('/ui/suppressions?q=browser.test');
    await page.getByRole('link', { name: /Remove browser\.test@example\.org/ }).click();
    await page.getByLabel('Why (kept in the audit log, optional)').fill('test done');
    await page.getByRole('button', { name: 'Yes, remove the suppression' }).click();
    assert.ok((await page.locator('.notice.ok').textContent()).includes('is no longer suppressed'));
    await page.goto('/ui/suppressions?q=browser.test');
    assert.equal(await page.locator('table.supp tbody tr').count(), 0);
    await page.goto('/ui/suppressions?q=browser.test&status=removed');
    assert.equal(await page.locator('table.supp tbody tr').count(), 1);
    // Export.
    await page.goto('/ui/suppressions?q=example');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.trim().split('\n');
    assert.ok(lines[0].startsWith('address,scope,'), lines[0]);
    assert.ok(lines.length > 5 && lines.slice(1).every((l) => l.includes('example')), `${lines.length} lines`);
    // Import with per-row errors.
    await page.getByRole('link', { name: 'Import CSV…' }).click();
    await page.getByLabel('Upload CSV').setInputFiles({
      name: 'list.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('address,scope,note\nimported1@example.net,global,from a file\nnot-an-address,global,bad\nimported2@example.net,list:news,second\nimported3@example.net,bad:scope:x,third\n'),
    });
    await page.getByRole('button', { name: 'Import' }).click();
    const summary = await page.locator('.notice').first().textContent();
    assert.ok(summary.includes('2 added') && summary.includes('2 refused'), summary);
    const rows = await page.locator('table.row-errors tbody tr').allTextContents();
    assert.equal(rows.length, 2, rows.join('|'));
    assert.ok(rows[0].startsWith('23'), rows[0]);
    assert.ok(rows[1].startsWith('45'), rows[1]);
    await checkAccessible(page);
    await shot(page, '09-suppressions-import');
    await page.goto('/ui/suppressions?q=imported&status=any');
    assert.equal(await page.locator('table.supp tbody tr').count(), 2);
    assert.deepEqual(page.problems, []);
  });

  test('domains: statistics, incident timeline, DNS, one domain', async () => {
    const page = await newPage(OPEN);
    await page.goto('/ui/domains');
    const bar = page.locator('#timeline rect[data-domain="outage.example"]');
    assert.equal(await bar.getAttribute('data-state'), 'open');
    assert.ok((await bar.evaluate((r) => r.getBBox().width)) > 0);
    const rows = await page.locator('section[aria-labelledby=stats-h] tbody tr').count();
    assert.ok(rows >= 5, `${rows} domains`);
    await checkAccessible(page);
    await shot(page, '10-domains');
    await page.getByRole('link', { name: 'outage.example' }).first().click();
    assert.match(page.url(), /\/ui\/domains\/outage\.example$/);
    assert.ok((await page.locator('.notice.warn').textContent()).includes('held'));
    assert.ok((await page.locator('section[aria-labelledby=inc-h]').textContent()).includes('DNS'));
    assert.equal(await checkBars(page, 'chart-domain'), await checkBars(page, 'chart-domain-reason'));
    await checkAccessible(page);
    assert.ok((await page.locator('section[aria-labelledby=inc-h]').textContent()).includes('not checked'));
    // Ask DNS (a loopback port where nothing answers: the verdict is "unknown").
    await page.getByRole('button', { name: 'Check DNS now' }).click();
    assert.match(page.url(), /\/ui\/domains\/outage\.example\?checked=1$/);
    assert.ok((await page.locator('.notice.ok').textContent()).includes('DNS checked'));
    assert.equal(await page.locator('section[aria-labelledby=inc-h] .badge.dns-unknown').first().textContent(), 'unknown');
    await shot(page, '11-domain-detail');
    assert.deepEqual(page.problems, []);
  });

  test('codes: the knowledge base in English and German', async () => {
    const page = await newPage(OPEN);
    await page.goto('/ui/codes');
    assert.ok((await page.locator('table.codes-table tbody tr').count()) > 100);
    await checkAccessible(page);
    await shot(page, '12-codes');
    await page.getByLabel('Code, words or a whole bounce line').fill('5.3.0');
    await page.getByRole('button', { name: 'Look up' }).click();
    assert.match(page.url(), /\/ui\/codes\/5\.3\.0\?lang=en$/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    const en = await page.locator('article.kb').textContent();
    for (const h of ['What the digits mean', 'Required action', 'Common causes', 'How to fix it as an email marketer', 'How to handle it as a developer', 'Related codes']) {
      assert.ok(en.includes(h), h);
    }
    await checkAccessible(page);
    await shot(page, '13-code-5.3.0-en');
    await page.getByRole('link', { name: 'Deutsch' }).click();
    assert.match(page.url(), /lang=de/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'de');
    const de = await page.locator('article.kb').textContent();
    for (const h of ['Bedeutung der Ziffern', 'Erforderliche Maßnahme', 'Häufige Ursachen', 'Lösungen für E-Mail-Marketer']) {
      assert.ok(de.includes(h), h);
    }
    assert.equal(await page.locator('.lang a[aria-current=true]').textContent(), 'Deutsch');
    await shot(page, '14-code-5.3.0-de');
    // Links on a German page stay German.
    await page.locator('#counterpart a').first().click();
    assert.match(page.url(), /\/ui\/codes\/4\.3\.0\?lang=de$/);
    await page.getByRole('link', { name: 'English' }).click();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    // A reply code and a pasted bounce line.
    await page.goto('/ui/codes/550');
    assert.ok((await page.locator('h1').textContent()).length > 3);
    await shot(page, '15-code-550');
    await page.goto('/ui/codes');
    await page.getByLabel('Code, words or a whole bounce line').fill('550 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org');
    await page.getByRole('button', { name: 'Look up' }).click();
    assert.ok((await page.locator('.notice.info').textContent()).includes('5.7.1'));
    assert.deepEqual(page.problems, []);
  });
});

describe('with tokens', () => {
  test('login form, cookie flags, read-only access, sign out', async () => {
    const page = await newPage(TOKENS);
    await page.goto('/ui/suppressions');
    assert.match(page.url(), /\/ui\/login\?next=%2Fui%2Fsuppressions$/);
    await checkAccessible(page);
    await shot(page, '16-login');
    await page.getByLabel('API token').fill('not-the-right-token-000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.ok((await page.locator('.notice.error').textContent()).includes('not valid'));
    await page.getByLabel('API token').fill(READ_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(page.url(), /\/ui\/suppressions$/);
    assert.ok((await page.locator('.who').textContent()).includes('Signed in as reader (read)'));
    const [cookie] = await page.context().cookies();
    assert.equal(cookie.name, 'bouncekit_session');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.secure, false, 'plain HTTP on loopback');
    assert.equal(cookie.path, '/ui');
    // Read access: no forms that change the list.
    assert.equal(await page.getByRole('button', { name: 'Suppress address' }).count(), 0);
    assert.ok((await page.locator('main').textContent()).includes('Your token has read access'));
    assert.equal(await page.locator('table.supp a:has-text("Remove")').count(), 0);
    await shot(page, '17-suppressions-read-only');
    await page.goto('/ui/suppressions/remove?address=gone0%40example.com');
    assert.ok((await page.locator('main').textContent()).includes('needs a token with write access'));
    // Sign out.
    await page.goto('/ui/');
    await page.getByRole('button', { name: 'Sign out' }).click();
    assert.match(page.url(), /\/ui\/login$/);
    await page.goto('/ui/');
    assert.match(page.url(), /\/ui\/login/);
    assert.deepEqual(page.problems, []);
  });

  test('a write token adds and removes', async () => {
    const page = await newPage(TOKENS);
    await page.goto('/ui/');
    await page.getByLabel('API token').fill(WRITE_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(page.url(), /\/ui\/$/);
    await page.goto('/ui/suppressions');
    await page.getByLabel('Email address').fill('writer.test@example.org');
    await page.getByRole('button', { name: 'Suppress address' }).click();
    assert.ok((await page.locator('.notice.ok').textContent()).includes('is now suppressed'));
    assert.ok((await page.locator('table.supp tbody').textContent()).includes('writer.test@example.org'));
    await page.getByRole('link', { name: /Remove writer\.test@example\.org/ }).click();
    await page.getByRole('button', { name: 'Yes, remove the suppression' }).click();
    assert.ok((await page.locator('.notice.ok').textContent()).includes('no longer suppressed'));
    assert.deepEqual(page.problems, []);
  });
});
