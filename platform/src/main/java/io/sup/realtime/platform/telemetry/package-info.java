/**
 * Telemetry shared by every process: the OpenTelemetry tracer ({@link io.sup.realtime.platform.telemetry.Tracing})
 * and the per-event context that log lines and outgoing gRPC calls carry
 * ({@link io.sup.realtime.platform.telemetry.RequestContext}).
 */
package io.sup.realtime.platform.telemetry;
