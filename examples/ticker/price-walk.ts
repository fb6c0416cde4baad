// Simulated stock prices: a seeded random walk, so every run with the same seed produces the same prices
// (handy for demos and tests) while still looking like a market.

/** The symbols the ticker quotes and their opening prices. Made up: this is not market data. */
export const OPENING_PRICES: Readonly<Record<string, number>> = {
  TIDE: 104.2,
  WAVE: 58.75,
  GULL: 231.1,
  REEF: 12.4,
};

/** Largest move of one step, as a share of the price (0.01 = 1 %). */
export const MAX_STEP = 0.01;
/** Prices never fall below this, so a long walk cannot reach zero or go negative. */
export const MIN_PRICE = 0.01;

/** mulberry32: a small, fast, seedable generator of numbers in [0, 1). Not for cryptography. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Quote {
  readonly symbol: string;
  /** Price in currency units, rounded to cents. */
  readonly price: number;
  /** Change from the previous quote of this symbol, rounded to cents. */
  readonly change: number;
}

/** A random walk over OPENING_PRICES: `step()` moves every symbol once and returns the new quotes. */
export class PriceWalk {
  readonly #random: () => number;
  readonly #prices = new Map<string, number>(Object.entries(OPENING_PRICES));

  constructor(seed: number) {
    this.#random = seededRandom(seed);
  }

  get symbols(): string[] {
    return [...this.#prices.keys()];
  }

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
