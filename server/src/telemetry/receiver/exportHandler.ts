// The contract between the transports (gRPC, HTTP) and the one ingestion path behind them
// (TelemetryService.handleExport). A malformed body throws MalformedRequestError, which each
// transport maps to 400 / INVALID_ARGUMENT.

export type BodyFormat = 'proto' | 'json';

export interface ExportResult {
  accepted: number;
  rejected: number;
  message?: string;
}

export type ExportHandler = (body: Buffer, format: BodyFormat) => ExportResult;
