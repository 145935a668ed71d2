interface CannedReply {
  keywords: RegExp;
  text: string;
}

// A support bot's everyday answers, a few sentences each so that a chat completion body is about
// a kilobyte, as with a real model. Chosen by keyword so that a demo reads sensibly.
const REPLIES: readonly CannedReply[] = [
  {
    keywords: /refund|money back|return/i,
    text:
      "I'm sorry the order didn't work out. I've checked your account and the purchase is still " +
      'within our 30-day return window, so you qualify for a full refund. I have started the ' +
      'refund to your original payment method; it usually appears within 5 to 7 business days. ' +
      "You'll receive a confirmation email with a prepaid return label shortly. Is there anything " +
      'else I can help you with today?',
  },
  {
    keywords: /password|log ?in|sign ?in|locked|2fa|account access/i,
    text:
      "I can help you get back into your account. For your security I've sent a password reset " +
      'link to the email address on file; it is valid for the next 30 minutes. Open it, choose a ' +
      'new password of at least 12 characters, and sign in again. If the email does not arrive ' +
      'within a few minutes, please check your spam folder or let me know and I will resend it.',
  },
  {
    keywords: /ship|deliver|track|package|where is my order|arrive/i,
    text:
      'Thanks for your patience. Your order left our warehouse yesterday and is now with the ' +
      'carrier. The latest tracking update shows it in transit, with an estimated delivery date ' +
      "of Thursday. I've emailed you the tracking link so you can follow it in real time. If it " +
      "hasn't arrived by Friday evening, reply here and I'll open an investigation with the carrier.",
  },
  {
    keywords: /cancel|unsubscribe|subscription|downgrade/i,
    text:
      "I'm sorry to see you go. I've scheduled the cancellation of your subscription at the end of " +
      'the current billing period, so you keep full access until then and will not be charged ' +
      'again. Your data stays available for 30 days in case you change your mind. If you were ' +
      'leaving because of price, I can also offer you three months at half price instead.',
  },
  {
    keywords: /charge|bill|invoice|payment|overcharged|receipt/i,
    text:
      "I've reviewed the billing history on your account. The charge you mentioned is the annual " +
      'renewal of your plan, which was billed on the renewal date shown in your settings. I have ' +
      'sent the itemised invoice to your email. If you did not intend to renew, I can reverse the ' +
      'charge now, since it was made less than 14 days ago. Would you like me to do that?',
  },
];

const FALLBACK =
  "Thanks for reaching out! I've looked into your question and I'm happy to help. Could you " +
  'share your order number or the email address on your account, and a short description of ' +
  "what happened? With those details I can check our records and get this resolved for you " +
  'quickly. In the meantime, our help centre has step-by-step guides for the most common issues.';

/**
 * A deterministic, realistic support-bot reply to `lastUserMessage`: the first canned answer whose
 * keywords match, else a general answer that asks for details.
 *
 * @example
 * supportReply('I want my money back'); // the refund answer
 */
export function supportReply(lastUserMessage: string): string {
  return REPLIES.find((r) => r.keywords.test(lastUserMessage))?.text ?? FALLBACK;
}
