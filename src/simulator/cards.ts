/**
 * Stripe's test payment methods the simulator knows, with the outcome Stripe gives each.
 * https://docs.stripe.com/testing#declined-payments
 */
export interface CardDecline {
  code: string;
  declineCode: string;
  message: string;
}

export interface TestCard {
  brand: 'visa' | 'mastercard';
  last4: string;
  decline: CardDecline | null;
  /** Charges succeed; a refund starts succeeded and later turns failed (Stripe's 4000000000005126). */
  refundFails?: boolean;
}

/** What the simulator's injected declines (declineRate) answer: Stripe's generic decline. */
export const INJECTED_DECLINE: CardDecline = {
  code: 'card_declined',
  declineCode: 'generic_decline',
  message: 'Your card was declined.',
};

const visa = (last4: string, decline: CardDecline | null = null): TestCard => ({
  brand: 'visa',
  last4,
  decline,
});

export const TEST_CARDS: Readonly<Record<string, TestCard>> = {
  pm_card_visa: visa('4242'),
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', decline: null },
  pm_card_refundFail: { brand: 'visa', last4: '5126', decline: null, refundFails: true },
  pm_card_chargeDeclined: visa('0002', {
    code: 'card_declined',
    declineCode: 'generic_decline',
    message: 'Your card was declined.',
  }),
  pm_card_chargeDeclinedInsufficientFunds: visa('9995', {
    code: 'card_declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  }),
  pm_card_chargeDeclinedExpiredCard: visa('0069', {
    code: 'expired_card',
    declineCode: 'expired_card',
    message: 'Your card has expired.',
  }),
  pm_card_chargeDeclinedIncorrectCvc: visa('0127', {
    code: 'incorrect_cvc',
    declineCode: 'incorrect_cvc',
    message: "Your card's security code is incorrect.",
  }),
  pm_card_chargeDeclinedProcessingError: visa('0119', {
    code: 'processing_error',
    declineCode: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  }),
};

export function findTestCard(paymentMethod: string): TestCard | undefined {
  return Object.hasOwn(TEST_CARDS, paymentMethod) ? TEST_CARDS[paymentMethod] : undefined;
}
