/**
 * Airbyte protocol messages (v0, the official protocol schema). Key casing follows the
 * protocol exactly: connectionStatus, connectionSpecification, sourceStats, recordCount, connectorConfig.
 */
import type { FailureType } from '../errors';

type SyncMode = 'full_refresh' | 'incremental';
type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';
export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';

interface StreamDescriptor {
  name: string;
  namespace?: string;
}

export interface AirbyteStream {
  name: string;
  json_schema: Record<string, unknown>;
  supported_sync_modes: SyncMode[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
  is_resumable?: boolean;
}

export interface ConfiguredAirbyteStream {
  stream: AirbyteStream;
  sync_mode: SyncMode;
  destination_sync_mode: string;
  cursor_field?: string[];
  primary_key?: string[][];
}

export interface ConfiguredAirbyteCatalog {
  streams: ConfiguredAirbyteStream[];
}

export type AirbyteMessage =
  | { type: 'RECORD'; record: { stream: string; data: Record<string, unknown>; emitted_at: number } }
  | { type: 'STATE'; state: StreamStateMessage }
  | { type: 'LOG'; log: { level: LogLevel; message: string; stack_trace?: string } }
  | { type: 'SPEC'; spec: Record<string, unknown> }
  | { type: 'CONNECTION_STATUS'; connectionStatus: { status: 'SUCCEEDED' | 'FAILED'; message?: string } }
  | { type: 'CATALOG'; catalog: { streams: AirbyteStream[] } }
  | { type: 'TRACE'; trace: TraceMessage }
  | {
      type: 'CONTROL';
      control: { type: 'CONNECTOR_CONFIG'; emitted_at: number; connectorConfig: { config: Record<string, unknown> } };
    };

interface StreamStateMessage {
  type: 'STREAM';
  stream: { stream_descriptor: StreamDescriptor; stream_state: Record<string, unknown> };
  sourceStats: { recordCount: number };
}

type TraceMessage =
  | {
      type: 'ERROR';
      emitted_at: number;
      error: {
        message: string;
        internal_message?: string;
        stack_trace?: string;
        failure_type: FailureType;
        stream_descriptor?: StreamDescriptor;
      };
    }
  | {
      type: 'ESTIMATE';
      emitted_at: number;
      estimate: { name: string; type: 'STREAM'; row_estimate?: number; byte_estimate?: number };
    }
  | {
      type: 'STREAM_STATUS';
      emitted_at: number;
      stream_status: { stream_descriptor: StreamDescriptor; status: StreamStatus; reasons?: StreamStatusReason[] };
    };

interface StreamStatusReason {
  type: 'RATE_LIMITED';
  rate_limited?: { quota_reset?: number };
}

export const record = (stream: string, data: Record<string, unknown>): AirbyteMessage => ({
  type: 'RECORD',
  record: { stream, data, emitted_at: Date.now() },
});

export const streamState = (stream: string, state: Record<string, unknown>, recordCount: number): AirbyteMessage => ({
  type: 'STATE',
  state: {
    type: 'STREAM',
    stream: { stream_descriptor: { name: stream }, stream_state: state },
    sourceStats: { recordCount },
  },
});

export const log = (level: LogLevel, message: string): AirbyteMessage => ({ type: 'LOG', log: { level, message } });

export const streamStatus = (stream: string, status: StreamStatus, reasons?: StreamStatusReason[]): AirbyteMessage => ({
  type: 'TRACE',
  trace: {
    type: 'STREAM_STATUS',
    emitted_at: Date.now(),
    stream_status: { stream_descriptor: { name: stream }, status, ...(reasons ? { reasons } : {}) },
  },
});

export const traceError = (
  message: string,
  failureType: FailureType,
  opts: { internal?: string; stack?: string; stream?: string } = {},
): AirbyteMessage => ({
  type: 'TRACE',
  trace: {
    type: 'ERROR',
    emitted_at: Date.now(),
    error: {
      message,
      failure_type: failureType,
      ...(opts.internal ? { internal_message: opts.internal } : {}),
      ...(opts.stack ? { stack_trace: opts.stack } : {}),
      ...(opts.stream ? { stream_descriptor: { name: opts.stream } } : {}),
    },
  },
});

export const estimate = (stream: string, rows: number): AirbyteMessage => ({
  type: 'TRACE',
  trace: { type: 'ESTIMATE', emitted_at: Date.now(), estimate: { name: stream, type: 'STREAM', row_estimate: rows } },
});

export const connectionStatus = (ok: boolean, message?: string): AirbyteMessage => ({
  type: 'CONNECTION_STATUS',
  connectionStatus: { status: ok ? 'SUCCEEDED' : 'FAILED', ...(message ? { message } : {}) },
});

export const controlConfig = (config: Record<string, unknown>): AirbyteMessage => ({
  type: 'CONTROL',
  control: { type: 'CONNECTOR_CONFIG', emitted_at: Date.now(), connectorConfig: { config } },
});
