// One filter for every process that loads libsignal: the product's (reference-counted).
export { silenceLibsignalConsole } from '../../../session-host/src/runtime/quiet-libsignal.ts';
