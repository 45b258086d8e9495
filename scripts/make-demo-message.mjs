#!/usr/bin/env node
// Writes the demo's bundled message (fixtures/demo-message.eml) and the DNS
// it is audited against (fixtures/demo-message.json): a newsletter from
// shop.example, signed with a fresh 2048-bit key whose public half is
// published at s2026._domainkey.shop.example. Two mistakes are made on
// purpose, the common ones: the sending IP is missing from SPF, and the
// signature does not cover List-Unsubscribe-Post (RFC 8058 §4).
// The private key is thrown away. Run: node scripts/make-demo-message.mjs
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const record = `v=DKIM1; k=rsa; p=${p}`;
const strings = [];
for (let i = 0; i < record.length; i += 255) strings.push(record.slice(i, i + 255));

const headers = [
  'Received: from out1.shop.example (out1.shop.example [203.0.113.25]) by mx.receiver.example with ESMTPS id 4fX9k2 (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384); Sun, 6 Dec 2026 09:00:02 +0000',
  'Return-Path: <bounces@shop.example>',
  'From: Shop Example <news@shop.example>',
  'To: reader@receiver.example',
  'Subject: =?UTF-8?Q?December_offers_=E2=80=93_20=25_off?=',
  'Date: Sun, 6 Dec 2026 09:00:00 +0000',
  'Message-ID: <20261206090000.4fX9k2@shop.example>',
  'List-Unsubscribe: <https://shop.example/unsubscribe/4fX9k2>, <mailto:unsubscribe@shop.example?subject=4fX9k2>',
  'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
  'Feedback-ID: december:newsletter:shop',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
];
const body = [
  'Hello,',
  '',
  'Our December offers are here: 20 % off everything until Sunday.',
  '',
  'Stop receiving these: https://shop.example/unsubscribe/4fX9k2',
  '',
].join('\r\n');
const message = `${headers.join('\r\n')}\r\n\r\n${body}`;
const signed = await dkimSign(message, {
  canonicalization: 'relaxed/relaxed',
  signTime: new Date('2026-12-06T09:00:00Z'),
  // The signer's list: List-Unsubscribe is signed, List-Unsubscribe-Post is not.
  headerList: 'from:to:subject:date:message-id:list-unsubscribe:mime-version:content-type',
  signatureData: [{ signingDomain: 'shop.example', selector: 's2026', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }), algorithm: 'rsa-sha256' }],
});
if (!signed.signatures) throw new Error(`signing failed: ${JSON.stringify(signed.errors)}`);
writeFileSync(new URL('../fixtures/demo-message.eml', import.meta.url), `${signed.signatures}${message}`);

const zone = {
  description:
    'Demo message audit: shop.example signs with s2026 and publishes p=reject, but its SPF lists 203.0.113.20 only while the message came from 203.0.113.25.',
  zone: {
    'shop.example': { TXT: ['v=spf1 ip4:203.0.113.20 -all'], MX: [[10, 'mx.shop.example']] },
    'mx.shop.example': { A: ['203.0.113.20'] },
    '_dmarc.shop.example': { TXT: ['v=DMARC1; p=reject; rua=mailto:dmarc@shop.example'] },
    's2026._domainkey.shop.example': { TXT: [strings] },
    'out1.shop.example': { A: ['203.0.113.25'] },
    '25.113.0.203.in-addr.arpa': { PTR: ['out1.shop.example'] },
    '20.113.0.203.in-addr.arpa': { PTR: ['mx.shop.example'] },
  },
};
writeFileSync(new URL('../fixtures/demo-message.json', import.meta.url), `${JSON.stringify(zone, null, 2)}\n`);
console.log('wrote fixtures/demo-message.eml and fixtures/demo-message.json');
