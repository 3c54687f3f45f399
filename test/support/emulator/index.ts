export { startEmulator, type Emulator, type EmulatorOptions } from './emulator.js';
export type { FaultRule } from './faults.js';
export type { Exchange } from './types.js';
export type { StatusState } from './forgejo-state.js';
export type { PipelineStatus } from './woodpecker-state.js';
export { assertAllExchangesMatchSpec, checkExchanges } from './contract.js';
