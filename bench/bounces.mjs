#!/usr/bin/env node
// `npm run bench -- bounces`: `mailcheck bounces` over a generated mbox of
// 100,000 messages (--messages to change): RFC 3464 DSNs with several
// recipients and reasons, Postfix, Exim and qmail notices, auto-replies and
// ordinary messages. No network. Reports wall time, peak memory and CPU
// time of the CLI process and the messages per second.
// Targets: under 60 s and under 300 MB on this machine.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const index = args.indexOf('--messages');
const MESSAGES = index === -1 ? 100_000 : Number(args[index + 1]);
const work = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-bench-bounces-'));

const CODES = [
  ['5.1.1', '550 5.1.1 <{r}>: Recipient address rejected: User unknown'],
  ['4.2.2', '452 4.2.2 Mailbox full'],
  ['5.7.26', '550-5.7.26 This mail has been blocked because the sender is unauthenticated. (sending IP 192.0.2.{n})'],
  ['5.7.25', '550-5.7.25 [192.0.2.{n}] The IP address sending this message does not have a PTR record setup'],
  ['5.7.1', '554 5.7.1 Service unavailable; Client host [192.0.2.{n}] blocked using zen.spamhaus.example'],
  ['4.4.7', '451 4.4.7 Delivery time expired'],
];

function dsn(i) {
  const recipients = [0, 1].map((k) => {
    const [status, text] = CODES[(i + k) % CODES.length];
    const r = `user${i}-${k}@d${i % 5000}.receiver.example`;
    return `Final-Recipient: rfc822; ${r}\nAction: ${status.startsWith('4') ? 'delayed' : 'failed'}\nStatus: ${status}\nRemote-MTA: dns; mx.d${i % 5000}.receiver.example\nDiagnostic-Code: smtp; ${text.replace('{r}', r).replace('{n}', String(i % 250))}`;
  });
  return `From: Mail Delivery System <MAILER-DAEMON@mta.sender.example>\nTo: news@sender.example\nSubject: Undelivered Mail Returned to Sender\nDate: Fri, 4 Dec 2026 09:30:00 +0000\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="b${i}"\n\n--b${i}\nContent-Type: text/plain\n\nThis is the mail system at host mta.sender.example.\n\n--b${i}\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mta.sender.example\n\n${recipients.join('\n\n')}\n\n--b${i}\nContent-Type: text/rfc822-headers\n\nFrom: News <news@sender.example>\nSubject: newsletter ${i}\n\n--b${i}--\n`;
}

const postfix = (i) => `From: MAILER-DAEMON@mta.sender.example\nTo: news@sender.example\nSubject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host mta.sender.example.\n\n<p${i}@receiver.example>: host mx.receiver.example[198.51.100.1] said: 550 5.1.1\n    User unknown (in reply to RCPT TO command)\n`;
const exim = (i) => `From: Mail Delivery System <Mailer-Daemon@mta.sender.example>\nTo: news@sender.example\nSubject: Mail delivery failed\n\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  e${i}@receiver.example\n    host mx.receiver.example [198.51.100.1]\n    SMTP error from remote mail server after RCPT TO:<e${i}@receiver.example>:\n    550 5.1.1 No such user\n`;
const qmail = (i) => `From: MAILER-DAEMON@mta.sender.example\nTo: news@sender.example\nSubject: failure notice\n\nHi. This is the qmail-send program at mta.sender.example.\nI'm afraid I wasn't able to deliver your message to the following addresses.\n\n<q${i}@nohost${i}.example>:\nSorry, I couldn't find any host named nohost${i}.example. (#5.1.2)\n\n--- Below this line is a copy of the message.\n\nFrom news@sender.example\n`;
const autoReply = (i) => `From: away${i}@receiver.example\nTo: news@sender.example\nSubject: Out of Office\nAuto-Submitted: auto-replied\n\nFrom Monday I am back.\n`;
const plain = (i) => `From: friend${i}@receiver.example\nTo: news@sender.example\nSubject: hello\n\nJust a note.\n`;
const KINDS = [dsn, dsn, dsn, dsn, dsn, postfix, exim, qmail, autoReply, plain];

const box = path.join(work, 'bounces.mbox');
await new Promise((resolve, reject) => {
  const out = createWriteStream(box);
  out.on('error', reject);
  let i = 0;
  const write = () => {
    let ok = true;
    while (i < MESSAGES && ok) {
      const body = KINDS[i % KINDS.length](i).replace(/^(>*From )/gm, '>$1');
      ok = out.write(`From MAILER-DAEMON Fri Dec  4 09:30:00 2026\n${body}\n`);
      i++;
    }
    if (i < MESSAGES) out.once('drain', write);
    else out.end(resolve);
  };
  write();
});

const rssFile = path.join(work, 'rss.json');
const output = path.join(work, 'out.ndjson');
const started = Date.now();
const code = await new Promise((resolve) => {
  const child = spawn(
    process.execPath,
    ['--import', path.join(ROOT, 'bench', 'max-rss.mjs'), path.join(ROOT, 'bin', 'mailcheck.js'), 'bounces', box, '--format', 'ndjson', '-o', output, '--suppress', path.join(work, 'suppress.csv')],
    { env: { ...process.env, MAILCHECK_BENCH_RSS: rssFile }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  child.on('exit', resolve);
});
const seconds = (Date.now() - started) / 1000;
const usage = JSON.parse(readFileSync(rssFile, 'utf8'));
const lines = readFileSync(output, 'utf8').trimEnd().split('\n');
const last = JSON.parse(lines.at(-1));
const result = {
  messages: MESSAGES,
  mboxMb: Math.round(statSync(box).size / 1024 / 1024),
  exitCode: code,
  seconds: Number(seconds.toFixed(1)),
  messagesPerSecond: Math.round(MESSAGES / seconds),
  maxRssMb: Math.round(usage.maxRssBytes / 1024 / 1024),
  cpuSeconds: Number(((usage.userMs + usage.systemMs) / 1000).toFixed(1)),
  counted: last.summary.messages,
  recipients: last.summary.recipients,
  hard: last.summary.hard,
};
console.log(JSON.stringify(result, null, 2));
writeFileSync(path.join(ROOT, 'bench', 'bounces-results.json'), `${JSON.stringify(result, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
