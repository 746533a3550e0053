/** What scimcheck records of every HTTP exchange. Everything here is already redacted. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Bytes received (before redaction). */
  sizeBytes: number;
}

export type TransportErrorCode =
  | 'REFUSED'
  | 'DNS'
  | 'TIMEOUT'
  | 'TLS'
  | 'PROXY'
  | 'RESET'
  | 'TOO_LARGE'
  | 'AUTH'
  /** scimcheck itself refused to send the request (safety: an object the run did not create). */
  | 'REFUSED_WRITE'
  | 'OTHER';

export interface TransportFailure {
  code: TransportErrorCode;
  /** One line, for people. */
  message: string;
  /** DNS, refused, TLS, timeout, proxy: the target could not be reached at all (exit 3). */
  unreachable: boolean;
}

export interface Exchange {
  /** Sequence number within the run, from 1. */
  seq: number;
  startedAt: string;
  durationMs: number;
  request: RecordedRequest;
  response?: RecordedResponse;
  error?: TransportFailure;
}
