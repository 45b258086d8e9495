/**
 * Bounce, auto-reply and complaint messages written for the tests, one per
 * format family, following each MTA's or provider's documented wording. All
 * names are under example domains; IPs are documentation addresses.
 */

/** A DSN (RFC 3464, multipart/report) with the given per-recipient blocks. */
export function dsn(options: { recipients: string[]; reportingMta?: string; to?: string; original?: string; subject?: string }): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mta.sender.example>',
    `To: ${options.to ?? 'news@sender.example'}`,
    `Subject: ${options.subject ?? 'Undelivered Mail Returned to Sender'}`,
    'Date: Fri, 4 Dec 2026 09:30:00 +0000',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mta.sender.example.',
    '',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${options.reportingMta ?? 'mta.sender.example'}`,
    'Arrival-Date: Fri, 4 Dec 2026 09:29:58 +0000',
    '',
    options.recipients.join('\n\n'),
    '',
    '--b1',
    'Content-Type: text/rfc822-headers',
    '',
    options.original ?? 'From: Newsletter <news@sender.example>\nTo: someone@receiver.example\nSubject: December news\nMessage-ID: <n1@sender.example>',
    '',
    '--b1--',
    '',
  ].join('\n');
}

/** The RFC 3464 edge cases: several recipients, folded Diagnostic-Code, x-unix, missing Final-Recipient, a delivered one. */
export const RFC3464_MIXED = dsn({
  recipients: [
    'Final-Recipient: rfc822; gone@receiver.example\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx1.receiver.example\nDiagnostic-Code: smtp; 550 5.1.1 <gone@receiver.example>: Recipient address\n rejected: User unknown in virtual mailbox table',
    'Final-Recipient: rfc822;full@receiver.example\nAction: delayed\nStatus: 4.2.2\nRemote-MTA: dns; mx1.receiver.example\nDiagnostic-Code: smtp; 452 4.2.2 Mailbox full',
    'Original-Recipient: rfc822;local@sender.example\nAction: failed\nStatus: 5.3.0\nDiagnostic-Code: x-unix; procmail: Quota exceeded while writing',
    'Final-Recipient: rfc822; ok@receiver.example\nAction: delivered\nStatus: 2.0.0',
  ],
});

export const GMAIL_UNAUTHENTICATED = dsn({
  reportingMta: 'mta.sender.example',
  recipients: [
    'Final-Recipient: rfc822; friend@gmail.example\nAction: failed\nStatus: 5.7.26\nRemote-MTA: dns; gmail-smtp-in.l.google.example\nDiagnostic-Code: smtp; 550-5.7.26 This mail has been blocked because the sender is\n unauthenticated. Gmail requires all senders to authenticate with either SPF\n or DKIM. 550 5.7.26 Authentication results: dmarc=none spf=none (sending IP 192.0.2.25) dkim=none',
  ],
});

export const GMAIL_PTR = dsn({
  recipients: [
    'Final-Recipient: rfc822; pal@gmail.example\nAction: failed\nStatus: 5.7.25\nRemote-MTA: dns; gmail-smtp-in.l.google.example\nDiagnostic-Code: smtp; 550-5.7.25 [192.0.2.25] The IP address sending this message does not have a\n PTR record setup, or the corresponding forward DNS entry does not point to the sending IP.',
  ],
});

export const MICROSOFT_AUTH = dsn({
  recipients: [
    'Final-Recipient: rfc822; user@outlook.example\nAction: failed\nStatus: 5.7.515\nRemote-MTA: dns; outlook-com.olc.protection.outlook.example\nDiagnostic-Code: smtp; 550 5.7.515 Access denied, sending domain sender.example does not meet the required authentication level.',
  ],
});

export const GMAIL_TLS = dsn({
  recipients: [
    'Final-Recipient: rfc822; tls@gmail.example\nAction: failed\nStatus: 5.7.29\nDiagnostic-Code: smtp; 550 5.7.29 TLS required: this sender must use a TLS connection',
  ],
});

export const NULL_MX = dsn({
  recipients: [
    'Final-Recipient: rfc822; anyone@nomail.example\nAction: failed\nStatus: 5.1.10\nDiagnostic-Code: X-Postfix; Host or domain name not found. Domain nomail.example publishes a null MX: 556 5.1.10',
  ],
});

export const RATE_LIMITED = dsn({
  recipients: [
    'Final-Recipient: rfc822; busy@gmail.example\nAction: delayed\nStatus: 4.7.28\nDiagnostic-Code: smtp; 421-4.7.28 Our system has detected an unusual rate of\n unsolicited mail originating from your IP address [192.0.2.25]. To protect our users from spam, mail sent from your IP address has been temporarily rate limited.',
  ],
});

const plain = (headers: string[], body: string) => `${headers.join('\n')}\n\n${body}`;

export const POSTFIX_TEXT = plain(
  ['From: MAILER-DAEMON@mta.sender.example (Mail Delivery System)', 'To: news@sender.example', 'Subject: Undelivered Mail Returned to Sender'],
  `This is the mail system at host mta.sender.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

                   The mail system

<nobody@receiver.example>: host mx1.receiver.example[198.51.100.10] said: 550
    5.1.1 <nobody@receiver.example>: Recipient address rejected: User unknown
    (in reply to RCPT TO command)
`,
);

export const EXIM_TEXT = plain(
  ['From: Mail Delivery System <Mailer-Daemon@mta.sender.example>', 'To: news@sender.example', 'Subject: Mail delivery failed: returning message to sender', 'X-Failed-Recipients: ghost@receiver.example'],
  `This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  ghost@receiver.example
    host mx1.receiver.example [198.51.100.10]
    SMTP error from remote mail server after RCPT TO:<ghost@receiver.example>:
    550 5.1.1 No such user here

------ This is a copy of the message, including all the headers. ------
From: news@sender.example
`,
);

export const SENDMAIL_TEXT = plain(
  ['From: Mail Delivery Subsystem <MAILER-DAEMON@mta.sender.example>', 'To: news@sender.example', 'Subject: Returned mail: see transcript for details'],
  `The original message was received at Fri, 4 Dec 2026 09:00:00 GMT
from localhost [127.0.0.1]

   ----- The following addresses had permanent fatal errors -----
<absent@receiver.example>
    (reason: 550 5.1.1 <absent@receiver.example>... User unknown)

   ----- Transcript of session follows -----
... while talking to mx1.receiver.example.:
>>> RCPT To:<absent@receiver.example>
<<< 550 5.1.1 <absent@receiver.example>... User unknown
550 5.1.1 <absent@receiver.example>... User unknown
`,
);

export const QMAIL_TEXT = plain(
  ['From: MAILER-DAEMON@mta.sender.example', 'To: news@sender.example', 'Subject: failure notice'],
  `Hi. This is the qmail-send program at mta.sender.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<lost@nohost.example>:
Sorry, I couldn't find any host named nohost.example. (#5.1.2)

--- Below this line is a copy of the message.

From: news@sender.example
`,
);

export const EXCHANGE_TEXT = plain(
  ['From: postmaster@outlook.example', 'To: news@sender.example', 'Subject: Undeliverable: December news'],
  `Delivery has failed to these recipients or groups:

missing@contoso.example
The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message.

Diagnostic information for administrators:

Generating server: BN8PR00MB0000.namprd00.prod.outlook.example

missing@contoso.example
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'
`,
);

export const OFFICE365_TEXT = plain(
  ['From: Microsoft Outlook <postmaster@contoso.example>', 'To: news@sender.example', 'Subject: Undeliverable: December news'],
  `Your message to left@contoso.example couldn't be delivered.
left wasn't found at contoso.example.

Diagnostic information for administrators:

Generating server: DM6PR00MB0000.prod.outlook.example

left@contoso.example
12/4/2026 9:30:00 AM - Server at DM6PR00MB0000.prod.outlook.example returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient left@contoso.example not found by SMTP address lookup'
`,
);

export const GMAIL_OLD_TEXT = plain(
  ['From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>', 'To: news@sender.example', 'Subject: Delivery Status Notification (Failure)'],
  `Delivery to the following recipient failed permanently:

     oldstyle@receiver.example

Technical details of permanent failure:
Google tried to deliver your message, but it was rejected by the server for the recipient domain receiver.example by mx.receiver.example. [198.51.100.7].

The error that the other server returned was:
550 5.1.1 <oldstyle@receiver.example>: Recipient address rejected: User unknown in local recipient table
`,
);

export const GMAIL_TEXT = plain(
  ['From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>', 'To: news@sender.example', 'Subject: Delivery Status Notification (Failure)'],
  `** Address not found **

Your message wasn't delivered to nothere@receiver.example because the address couldn't be found, or is unable to receive mail.

The response from the remote server was:
550 5.1.1 The email account that you tried to reach does not exist.
`,
);

export const YAHOO_TEXT = plain(
  ['From: MAILER-DAEMON@yahoo.example', 'To: news@sender.example', 'Subject: Failure Notice'],
  `Sorry, we were unable to deliver your message to the following address.

<reader@yahoo.example>:
Remote host said: 553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.25, because the ip is in Spamhaus's list; see https://www.spamhaus.example/query/bl?ip=192.0.2.25 [RCPT_TO]

--- Below this line is a copy of the message.
`,
);

export const SES_JSON = plain(
  ['From: no-reply@sns.amazonaws.example', 'To: ops@sender.example', 'Subject: AWS Notification Message'],
  JSON.stringify(
    {
      notificationType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: 'bounce@receiver.example', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
        reportingMTA: 'dsn; a1-2.smtp-out.amazonses.example',
      },
      mail: { source: 'news@sender.example' },
    },
    null,
    2,
  ),
);

export const COURIER_TEXT = plain(
  ['From: Courier mail server at mta.sender.example <@>', 'To: news@sender.example', 'Subject: NOTICE: mail delivery status.'],
  `This is a delivery status notification from mta.sender.example,
running the Courier mail server.

Your message to the following recipients cannot be delivered:

<vanished@receiver.example>:
    mx1.receiver.example [198.51.100.10]:
>>> RCPT TO:<vanished@receiver.example>
<<< 550 5.1.1 <vanished@receiver.example>: Recipient address rejected: User unknown
`,
);

export const DOMINO_TEXT = plain(
  ['From: Postmaster@domino.example', 'To: news@sender.example', 'Subject: DELIVERY FAILURE: User former@domino.example not listed in Domino Directory'],
  `Your message

  Subject: December news

was not delivered to:

  former@domino.example

because:

  User former@domino.example not listed in Domino Directory
`,
);

export const AUTO_REPLY = plain(
  ['From: Holiday Person <away@receiver.example>', 'To: news@sender.example', 'Subject: Out of Office: December news', 'Auto-Submitted: auto-replied', 'Date: Fri, 4 Dec 2026 10:00:00 +0000'],
  'I am away until January and will read your message when I am back.\n',
);

export const ARF_COMPLAINT = [
  'From: feedback@isp.example',
  'To: fbl@sender.example',
  'Subject: FW: December news',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=feedback-report; boundary="f1"',
  '',
  '--f1',
  'Content-Type: text/plain',
  '',
  'This is an email abuse report for an email message received from IP 192.0.2.25.',
  '',
  '--f1',
  'Content-Type: message/feedback-report',
  '',
  'Feedback-Type: abuse',
  'User-Agent: ExampleFBL/1.0',
  'Version: 1',
  'Source-IP: 192.0.2.25',
  'Original-Mail-From: <news@sender.example>',
  '',
  '--f1',
  'Content-Type: message/rfc822',
  '',
  'From: news@sender.example',
  'To: reader@isp.example',
  'Subject: December news',
  '',
  'Hello',
  '',
  '--f1--',
  '',
].join('\n');

export const NOT_A_BOUNCE = plain(
  ['From: Colleague <colleague@sender.example>', 'To: news@sender.example', 'Subject: lunch?', 'Date: Fri, 4 Dec 2026 11:00:00 +0000'],
  'Lunch at noon?\n',
);

/** Messages as an mbox (RFC 4155): separator lines, ">From " escaping of body lines that start with "From ". */
export function mbox(messages: readonly string[]): string {
  return messages
    .map((message) => `From MAILER-DAEMON Fri Dec  4 09:30:00 2026\n${message.replace(/^(>*From )/gm, '>$1')}\n`)
    .join('\n');
}
