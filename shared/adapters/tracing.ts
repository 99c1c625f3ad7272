import type { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * AWS X-Ray tracing through Powertools Tracer, for the deploy setting `tracing` (off by default).
 *
 * The functions are bundled with `process.env.WB_TRACING` defined as "true" or "false"
 * (infra/app-function.ts): with tracing off, esbuild drops the branch below and the tracer is not in
 * the bundle at all, so cold starts stay what they were. Run unbundled (the local host, tests) it is
 * off unless WB_TRACING=true is set. With tracing on, the tracer also records outgoing HTTPS calls
 * (Google) by host and path; responses and events are never recorded: they carry cookies and codes.
 */
const tracer: Tracer | undefined =
  process.env.WB_TRACING === 'true' ? new (await import('@aws-lambda-powertools/tracer')).Tracer() : undefined;

/** Records an AWS SDK v3 client's calls (operation, table, status; never keys or values) as subsegments. */
export function traceClient<T>(client: T): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/**
 * Runs each invocation in a `## handler` subsegment annotated with the cold start and the service,
 * with the error as metadata when it throws. Without tracing it returns the handler itself.
 */
export function traceHandler<E, C, R>(handler: (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R> {
  if (!tracer) return handler;
  return async (event, context) => {
    const parent = tracer.getSegment();
    const subsegment = parent?.addNewSubsegment('## handler');
    if (subsegment) tracer.setSegment(subsegment);
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
    try {
      return await handler(event, context);
    } catch (error) {
      tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      if (parent && subsegment) {
        subsegment.close();
        tracer.setSegment(parent);
      }
    }
  };
}
