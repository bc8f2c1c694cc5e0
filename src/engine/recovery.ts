/**
 * What to do when one analytics request of a window fails (after the requester's own retries): a pure
 * function of the error and the unit of work, so that every rule is stated in one table. The requester's
 * `decide()` judges one HTTP answer; this judges a request that has failed for good.
 */
import { ApiError, ResponseTooLargeError, RetriesExhaustedError } from '../http/errors';
import { COLUMN_REFUSAL, SYNC_HISTORY_REFUSAL } from '../pinterest/limits';
import { splitWindow, type Window } from './slicer';
import { typesNamedIn } from './targeting-types';

/**
 * One request of a window (a synchronous request, or one report of a report window): its days, its
 * targeting types, and what is known about it when it failed.
 */
export interface UnitOfWork {
  window: Window;
  /** The request's targeting types (targeting-analytics streams). */
  types?: readonly string[];
  /** A report's columns: a refusal naming some of them leaves those out (synchronous requests: check's concern). */
  columns?: readonly string[];
  /** Rows of this request already emitted: it cannot be read again without emitting them twice. */
  emitted: number;
  /** Statuses of a partition that mean "this one cannot be read" (the stream's `skipPartitionOn`). */
  skipPartitionOn?: readonly number[];
  /** UTC midnight has passed since the window was cut (the read's clock agrees with a history refusal). */
  midnightPassed: boolean;
}

export type RecoveryAction =
  /** Read the unit again: its days are clamped to what Pinterest serves now. */
  | { kind: 'reclamp' }
  /** Leave the partition out of this sync, with a warning. */
  | { kind: 'skip-partition'; status: number; reason: string }
  /** Leave out the types Pinterest refused (`refused`; none named: none yet) and read the groups in `retry`. */
  | { kind: 'drop-refused-types'; refused: readonly string[]; retry: Array<readonly string[]>; reason: string }
  /** Leave out the columns Pinterest refused (`refused`) and read the unit again without them. */
  | { kind: 'drop-refused-columns'; refused: readonly string[]; reason: string }
  /** Read the two halves of the window instead. */
  | { kind: 'halve-window'; halves: [Window, Window] }
  | { kind: 'fail' };

/** Pinterest's refusal of a start date older than it serves (not a refusal of the request's other values). */
export const isHistoryRefusal = (err: unknown): boolean =>
  err instanceof ApiError && err.status === 400 && SYNC_HISTORY_REFUSAL.test(err.apiMessage);

export function recover(err: unknown, unit: UnitOfWork): RecoveryAction {
  // Once rows of this request are out, it cannot be split or skipped without emitting them twice.
  if (unit.emitted > 0) return { kind: 'fail' };
  // Refused although the clock had not seen midnight (it had not seen the server's new day yet).
  if (isHistoryRefusal(err)) return unit.midnightPassed ? { kind: 'reclamp' } : { kind: 'fail' };
  if (err instanceof ApiError && unit.skipPartitionOn?.includes(err.status)) {
    return { kind: 'skip-partition', status: err.status, reason: err.apiMessage };
  }
  // A refusal of the columns is the same for every group of types: leaving types out would not cure it.
  if (err instanceof ApiError && err.status === 400 && COLUMN_REFUSAL.test(err.apiMessage))
    return dropRefusedColumns(err, unit.columns ?? []);
  if (err instanceof ApiError && err.status === 400 && unit.types && unit.types.length > 0)
    return dropRefusedTypes(err, unit.types);
  if (err instanceof RetriesExhaustedError || err instanceof ResponseTooLargeError) {
    const halves = splitWindow(unit.window);
    if (halves) return { kind: 'halve-window', halves };
  }
  return { kind: 'fail' };
}

/** The columns Pinterest names are left out, unless it names none of them or every one (nothing would be left). */
function dropRefusedColumns(err: ApiError, columns: readonly string[]): RecoveryAction {
  const named = typesNamedIn(err.apiMessage, columns);
  if (named.length === 0 || named.length === columns.length) return { kind: 'fail' };
  return { kind: 'drop-refused-columns', refused: named, reason: `HTTP 400: ${err.apiMessage}` };
}

/**
 * A targeting request refused with 400: the types Pinterest names are left out and the rest read again;
 * when it names none, the group is halved until the refused type is alone.
 */
function dropRefusedTypes(err: ApiError, types: readonly string[]): RecoveryAction {
  const reason = `HTTP 400: ${err.apiMessage}`;
  const named = typesNamedIn(err.apiMessage, types);
  if (named.length > 0)
    return { kind: 'drop-refused-types', refused: named, retry: [types.filter((t) => !named.includes(t))], reason };
  if (types.length === 1) return { kind: 'drop-refused-types', refused: types, retry: [], reason };
  const half = Math.ceil(types.length / 2);
  return { kind: 'drop-refused-types', refused: [], retry: [types.slice(0, half), types.slice(half)], reason };
}
