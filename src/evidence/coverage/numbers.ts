const COUNT = /^\s*\+?(\d+)(?:\.0*)?\s*$/;
const NUMBER = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/**
 * A non-negative integer count. Accepts `12` and `12.0` (Swift's Cobertura writes counts as
 * decimals); anything else, including `1.5`, `-1` and `0x10`, is undefined.
 */
export function parseCount(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const plain = plainDigits(text);
  if (plain >= 0) return plain;
  const digits = COUNT.exec(text)?.[1];
  if (digits === undefined) return undefined;
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A finite decimal number (hit counts, rates); undefined for anything else. */
export function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const plain = plainDigits(text);
  if (plain >= 0) return plain;
  if (!NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** The common case, 1 to 15 plain digits, without a regular expression; -1 otherwise. */
function plainDigits(text: string): number {
  if (text.length === 0 || text.length > 15) return -1;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
