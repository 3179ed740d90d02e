import { guardedDispatcher } from '@kbrun/core';
import type { Dispatcher } from 'undici';

let shared: Dispatcher | undefined;

/** The process-wide HTTP dispatcher of the pack: created on first use, kept alive, every connection through the guarded dialer. */
export function httpDispatcher(): Dispatcher {
  shared ??= guardedDispatcher();
  return shared;
}
