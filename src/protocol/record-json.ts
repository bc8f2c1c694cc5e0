/**
 * A record written from its answer's text carries its JSON here (a symbol: JSON.stringify never sees it);
 * the writer takes it instead of serialising the object, which then holds only the fields the engine reads.
 */
export const RECORD_JSON: unique symbol = Symbol('record json');

export type WithRecordJson = Record<string, unknown> & { [RECORD_JSON]?: string };
