/** The fixed day the suites, the CAT files and the benchmark take as today, so simulator data and expected records stay put. */
export const TODAY = '2026-06-30';
