/**
 * logging → the logger pipeline (formats, outputs, correlation), or null when nothing
 * needs setting up at start.
 */
import type { SignalStarter } from '../signal.js';

export const startLogging: SignalStarter = async () => null;
