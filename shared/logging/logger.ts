import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { redact } from './redact.js';

/**
 * Powertools' structured JSON log line, passed through redaction last, so nothing a caller
 * attaches (event pieces, errors, URLs) can carry a secret out.
 */
class RedactingLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const base: LogAttributes = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      requestId: attributes.lambdaContext?.awsRequestId,
      coldStart: attributes.lambdaContext?.coldStart,
      xrayTraceId: attributes.xRayTraceId,
    };
    return new LogItem({ attributes: redact({ ...base, ...additional }) as LogAttributes });
  }
}

/** The process-wide structured logger. Attach a request id with `logger.appendKeys({ requestId })`. */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'workspace-bridge',
  logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
  logFormatter: new RedactingLogFormatter(),
});
