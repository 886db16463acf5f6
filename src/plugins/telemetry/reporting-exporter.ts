import { ExportResultCode } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

/** An exporter that reports its failures (once per run, by `onFailure`) and never throws. */
export function reportingExporter(inner: SpanExporter, onFailure: (error: unknown) => void): SpanExporter {
  return {
    export(spans, done) {
      try {
        inner.export(spans, (result) => {
          if (result.code !== ExportResultCode.SUCCESS) onFailure(result.error);
          done(result);
        });
      } catch (error) {
        onFailure(error);
        done({ code: ExportResultCode.FAILED, error: error as Error });
      }
    },
    shutdown: () => inner.shutdown().catch(() => {}),
    forceFlush: () => inner.forceFlush?.().catch(() => {}) ?? Promise.resolve(),
  };
}
