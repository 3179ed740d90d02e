import { floatRepr } from './py-number-format.js';
import { PyValue } from './py-value.js';

/**
 * Python tells the float 5.0 from the int 5 (`10 / 2` prints `5.0`); a JavaScript number cannot. Inside an
 * evaluation, a float result with a whole value is boxed as a PyFloat so it prints as Python prints it; the box
 * never leaves the expression language (`toNative` in py-value.ts opens it when a value goes back to the engine).
 */
export class PyFloat extends PyValue {
  readonly #value: number;

  constructor(value: number) {
    super();
    this.#value = value;
    Object.freeze(this);
  }

  /** The number itself (so `Number(box)` and arithmetic read it). */
  override valueOf(): number {
    return this.#value;
  }

  pyType(): string {
    return 'float';
  }

  pyTruthy(): boolean {
    return this.#value !== 0;
  }

  pyStr(): string {
    return floatRepr(this.#value);
  }

  pyRepr(): string {
    return floatRepr(this.#value);
  }

  toJsonValue(): unknown {
    return this;
  }

  native(): unknown {
    return this.#value;
  }
}

/** A Python float result: whole values are boxed, others are plain numbers (already floats to every reader). */
export function pyFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

/** True for a boxed whole float. */
export function isPyFloat(value: unknown): value is PyFloat {
  return value instanceof PyFloat;
}

/** True for a Python float: a boxed whole float, or a number with a fraction (or inf/nan). */
export function isFloat(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === 'number' && !Number.isInteger(value));
}
