// Test support for every module pack: a module's arguments prepared as the engine prepares them before it runs the module.
import type { AnyModule } from '@kbrun/core';
import { Ajv, type ValidateFunction } from 'ajv';

// The engine validates arguments with these ajv options (packages/core/src/modules/validate-args.ts):
// types are coerced and defaults filled in before a module runs, so the tests do the same.
const engineAjv = new Ajv({ allErrors: true, strict: false, coerceTypes: true, useDefaults: true });
const validators = new Map<AnyModule, ValidateFunction>();

/** Validates, coerces and fills defaults of a copy of the arguments as the engine does; throws when they are invalid. */
export function prepareArgs(module: AnyModule, args: Record<string, unknown>): Record<string, unknown> {
  let validate = validators.get(module);
  if (!validate) validators.set(module, (validate = engineAjv.compile(module.schema)));
  const prepared = structuredClone(args);
  if (!validate(prepared)) throw new Error(`invalid arguments for ${module.name}: ${engineAjv.errorsText(validate.errors)}`);
  return prepared;
}
