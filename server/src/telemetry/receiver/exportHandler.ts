// The one ingestion path shared by the gRPC and HTTP receivers: decode, feed the topology,
// forward. Malformed bodies throw MalformedRequestError for the transport to map to 400 /
// INVALID_ARGUMENT.

export type BodyFormat = 'proto' | 'json';

export interface ExportResult {
  accepted: number;
  rejected: number;
  message?: string;
}

export type ExportHandler = (body: Buffer, format: BodyFormat) => ExportResult;
