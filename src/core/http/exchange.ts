/** The exchange records live in the result model (src/core/model/exchange.ts); this keeps the old import path. */
export type { Exchange, RecordedRequest, RecordedResponse, TransportErrorCode, TransportFailure } from '../model/exchange.js';
