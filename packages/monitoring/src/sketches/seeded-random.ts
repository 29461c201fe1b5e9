/**
 * Mulberry32, a 32-bit-state generator (Tommy Ettinger, 2017): fast, passes PractRand to 2^32
 * outputs, more than enough for the fair coins of KLL compactions. Its state is one u32, so a sketch
 * serializes it and reproduces the same compactions after a round trip.
 */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The current state, to serialize. */
  get state(): number {
    return this.#state;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextU32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A fair coin: 0 or 1. */
  bit(): number {
    return this.nextU32() >>> 31;
  }
}

/** A seed for sketches built without one (not reproducible across runs). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}
