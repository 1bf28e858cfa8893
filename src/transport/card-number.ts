import { randomInt } from 'node:crypto';

/** Issuer prefix of the city's cards (fictional; the real Jaé numbering is not public). */
const CARD_PREFIX = '6062';

/** Luhn check digit for a string of digits. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True for a 16-digit card number whose last digit is its Luhn check digit. */
export function isValidCardNumber(number: string): boolean {
  return /^\d{16}$/.test(number) && luhnCheckDigit(number.slice(0, 15)) === Number(number[15]);
}

/** A new random 16-digit card number with a Luhn check digit. Uniqueness is enforced by the database. */
export function generateCardNumber(): string {
  let body = CARD_PREFIX;
  while (body.length < 15) body += String(randomInt(10));
  return body + String(luhnCheckDigit(body));
}

/** "6062123412341234" -> "•••• 1234", as shown in lists and in the chat. */
export function maskCardNumber(number: string): string {
  return `•••• ${number.slice(-4)}`;
}
