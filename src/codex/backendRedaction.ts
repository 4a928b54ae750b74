/**
 * What a backend shows with its secrets removed: the redactor in use (replaced as the backend
 * learns its child's environment or a remote's credentials), applied to text, exits and
 * protocol errors.
 */
import { ProtocolError, type ProcessExitInfo } from "../errors.ts";
import { createRedactor, type Redactor } from "../protocol/redaction.ts";

/** The current redactor of one backend; see the module comment. */
export class BackendRedaction {
  /** Keeps secrets of the child's environment out of error messages (stderr tails). */
  redactor: Redactor = createRedactor();

  /** `text` with the known secrets replaced. */
  text(text: string): string {
    return this.redactor.text(text);
  }

  /** The exit with its stderr tail redacted. */
  exit(exit: ProcessExitInfo): ProcessExitInfo {
    return { ...exit, stderrTail: this.redactor.text(exit.stderrTail) };
  }

  /**
   * The error with its message redacted (an excerpt of a bad line can hold a credential). The
   * cause is left out when anything was redacted: it holds the raw line.
   */
  protocolError(error: ProtocolError): ProtocolError {
    const message = this.redactor.text(error.message);
    return message === error.message ? error : new ProtocolError(message, error.method);
  }
}
