/** The simulator (simulator), as the suites outside integration_tests reach it: through the kit. */
export { startSimulator, streamOfRequest, type Simulator, type SimulatorOptions, type GroundTruth } from '../simulator';
