package eu.confine.oob.api.host;

/** A host tool could not be run, timed out or failed; the message names the command and its error output. */
public class HostCommandException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public HostCommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
