import { option, resolveOptions, type EventOptionValues, type OptionSpec } from './common';

// Mail events: SES email receiving with a Lambda action (`ses email-receiving`) and a WorkMail
// message flow rule (`workmail email`). SAM's option names and defaults.

export const SES_EMAIL_RECEIVING_OPTIONS: readonly OptionSpec[] = [
  option('dns-suffix', 'string', 'us-east-1.amazonaws.com', 'DNS suffix of the inbound SMTP host'),
  option('from', 'string', 'Jane Doe <janedoe@example.com>', 'From header'),
  option('to', 'string', 'johndoe@example.com', 'recipient address'),
  option('subject', 'string', 'Test Subject', 'subject'),
  option('function', 'string', 'Example', 'name of the function of the receipt rule action'),
];

export const WORKMAIL_EMAIL_OPTIONS: readonly OptionSpec[] = [
  option('flow-direction', 'string', 'INBOUND', 'message flow direction', ['INBOUND', 'OUTBOUND']),
  option('mail-from', 'string', 'from@example.com', 'envelope sender (MAIL FROM)'),
  option('sender', 'string', 'sender@example.com', 'Sender header address'),
  option('recipients', 'list', 'recipient1@example.com,recipient2@example.com', 'envelope recipients, comma-separated'),
  option('subject', 'string', 'Hello From Amazon WorkMail!', 'subject'),
];

/** RFC 5322 date: `Wed, 7 Oct 2015 12:34:56 +0000`. */
function rfc5322(ms: number): string {
  return new Date(ms).toUTCString().replace(/^(\w+), 0?(\d+) (\w+) (\d+) (\S+) GMT$/, '$1, $2 $3 $4 $5 +0000');
}

/** `ses email-receiving`: an email received by a receipt rule with a Lambda action (Event invocation). */
export function sesEmailReceivingEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(SES_EMAIL_RECEIVING_OPTIONS, values);
  const from = ctx.string('from');
  const fromAddress = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const to = ctx.string('to');
  const subject = ctx.string('subject');
  const date = rfc5322(ctx.now - 2000);
  const sesMessageId = ctx.random.lower(40);
  const headerMessageId = `<${ctx.random.hex(20)}@${fromAddress.split('@')[1] ?? 'example.com'}>`;
  const pass = { status: 'PASS' as const };
  return {
    Records: [
      {
        eventSource: 'aws:ses' as const,
        eventVersion: '1.0',
        ses: {
          mail: {
            commonHeaders: { date, from: [from], messageId: headerMessageId, returnPath: fromAddress, subject, to: [to] },
            destination: [to],
            headers: [
              { name: 'Return-Path', value: `<${fromAddress}>` },
              {
                name: 'Received',
                value: `from mailer.example.com (mailer.example.com [203.0.113.1]) by inbound-smtp.${ctx.string('dns-suffix')} with SMTP id ${sesMessageId} for ${to}; ${date}`,
              },
              {
                name: 'DKIM-Signature',
                value: `v=1; a=rsa-sha256; c=relaxed/relaxed; d=${fromAddress.split('@')[1] ?? 'example.com'}; s=example; h=mime-version:from:date:message-id:subject:to:content-type; bh=${ctx.random.base64(32)}; b=${ctx.random.base64(256)}`,
              },
              { name: 'MIME-Version', value: '1.0' },
              { name: 'From', value: from },
              { name: 'Date', value: date },
              { name: 'Message-ID', value: headerMessageId },
              { name: 'Subject', value: subject },
              { name: 'To', value: to },
              { name: 'Content-Type', value: 'text/plain; charset=UTF-8' },
            ],
            headersTruncated: false,
            messageId: sesMessageId,
            source: fromAddress,
            timestamp: ctx.isoTime(-1000),
          },
          receipt: {
            action: { functionArn: ctx.arn('lambda', `function:${ctx.string('function')}`), invocationType: 'Event' as const, type: 'Lambda' as const },
            dkimVerdict: pass,
            // SES sends DMARC's verdict too (SAM's template predates it).
            dmarcVerdict: pass,
            processingTimeMillis: ctx.random.int(200, 900),
            recipients: [to],
            spamVerdict: pass,
            spfVerdict: pass,
            timestamp: ctx.isoTime(-1000),
            virusVerdict: pass,
          },
        },
      },
    ],
  };
}

/** `workmail email`: a message flow rule's summary of one email. */
export function workmailEmailEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(WORKMAIL_EMAIL_OPTIONS, values);
  return {
    summaryVersion: '2018-10-10',
    envelope: { mailFrom: { address: ctx.string('mail-from') }, recipients: ctx.list('recipients').map((address) => ({ address })) },
    sender: { address: ctx.string('sender') },
    subject: ctx.string('subject'),
    messageId: ctx.random.uuid(),
    invocationId: ctx.random.hex(32),
    flowDirection: ctx.choice('flow-direction'),
    truncated: false,
  };
}
