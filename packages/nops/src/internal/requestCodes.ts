import { DATE_ERROR_CODES, TARGET_ERROR_CODES, type DateErrorCode, type TargetErrorCode } from '@reqsign/canonical';
import type { NopsVerifyErrorCode } from '../verify.js';

/**
 * nOps's own codes that a request's content fails with (all but `ERR_NOPS_SIGNATURE_INVALID`, which the comparison
 * decides): a record of every such code, so a code added to the union and not here is a type error. With canonical's
 * target and date codes, a thrown error with one of them is the request's failure; any other is the caller's.
 */
const NOPS_REQUEST_CODES: Readonly<
  Record<Exclude<NopsVerifyErrorCode, 'ERR_NOPS_SIGNATURE_INVALID' | TargetErrorCode | DateErrorCode>, true>
> = {
  ERR_NOPS_SIGNATURE_ENCODING: true,
  ERR_NOPS_SIGNATURE_MISSING: true,
  ERR_NOPS_API_KEY: true,
  ERR_NOPS_API_KEY_PARAM: true,
  ERR_NOPS_TRAILING_SLASH: true,
  ERR_NOPS_DATE: true,
};
let failureCodes: ReadonlySet<string> | undefined;
/** Whether a thrown code is a failure of the request (made once, on the first failure, so that sign bundles drop it). */
export function isFailureCode(code: string): boolean {
  if (failureCodes === undefined) failureCodes = new Set([...Object.keys(NOPS_REQUEST_CODES), ...TARGET_ERROR_CODES, ...DATE_ERROR_CODES]);
  return failureCodes.has(code);
}
