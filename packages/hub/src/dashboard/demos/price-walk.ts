/**
 * Simulated stock prices for the ticker demo: a seeded random walk, so a run is repeatable while still
 * looking like a market. Made-up symbols; this is not market data.
 */

/** The symbols and their opening prices. */
export const OPENING_PRICES: Readonly<Record<string, number>> = { TIDE: 104.2, WAVE: 58.75, GULL: 231.1, REEF: 12.4 };
/** Largest move of one step, as a share of the price (0.01 = 1 %). */
const MAX_STEP = 0.01;
/** Prices never fall below a cent, so a long walk cannot reach zero. */
const MIN_PRICE = 0.01;

export interface Quote {
  readonly symbol: string;
  /** Rounded to cents. */
  readonly price: number;
  /** Change from this symbol's previous quote, rounded to cents. */
  readonly change: number;
}

/** A small seedable generator of numbers in [0, 1) (the mulberry32 recipe); not for cryptography. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class PriceWalk {
  readonly #random: () => number;
  readonly #prices = new Map<string, number>(Object.entries(OPENING_PRICES));

  constructor(seed = Date.now()) {
    this.#random = seeded(seed);
  }

  /** Moves every symbol once and returns the new quotes. */
  step(): Quote[] {
    const quotes: Quote[] = [];
    for (const [symbol, previous] of this.#prices) {
      const move = (this.#random() * 2 - 1) * MAX_STEP;
      const price = Math.max(MIN_PRICE, Math.round(previous * (1 + move) * 100) / 100);
      this.#prices.set(symbol, price);
      quotes.push({ symbol, price, change: Math.round((price - previous) * 100) / 100 });
    }
    return quotes;
  }
}
