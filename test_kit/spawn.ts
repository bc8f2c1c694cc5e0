/** The connector as a spawned process: shared with the demo and the benchmark, which may not import the test kit. */
export * from '../scripts/lib/connector-process';
