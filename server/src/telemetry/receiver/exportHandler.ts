// The contract between the transports (gRPC, HTTP) and the one ingestion path behind them
// (TelemetryService.handleExport). A malformed body throws MalformedRequestError, which each
// transport maps to 400 / INVALID_ARGUMENT.

export type BodyFormat = 'proto' | 'json';
export type Signal = 'traces' | 'metrics' | 'logs';

export interface ExportResult {
  accepted: number;
  rejected: number;
  message?: string;
}

/** `accepted` / `rejected` count spans, data points or log records by signal. */
export type ExportHandler = (body: Buffer, format: BodyFormat, signal: Signal) => ExportResult;
