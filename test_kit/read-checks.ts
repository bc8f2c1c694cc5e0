/**
 * Checks of one in-process read that hold whichever fake answered it: run `read` with a config, streams
 * and state; state messages count the records since the previous one; records fit their stream's schema;
 * record multisets compared; requests written as `path?sorted-query`; the windows a read asked for.
 *
 * The implementations still live in msw-pinterest.ts, where they were first written for the msw fake;
 * when that module is trimmed to the malformed-answer fake they move here, and this file is their home.
 */
export {
  EARLIEST,
  read,
  streamStateInput,
  stateCountProblems,
  describeRequest,
  windowsOf,
  sorted,
  expectSameRecords,
  expectCleanRead,
  type RecordedRequest,
  type StreamSelection,
} from './msw-pinterest';
