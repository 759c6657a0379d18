package eu.confine.oob.registry.internal;

/** A registry answer the follower cannot use (unreachable, HTTP error, invalid JSON, missing field); the message names the resource. */
final class RegistryException extends Exception {

    private static final long serialVersionUID = 1L;

    RegistryException(String message) {
        super(message);
    }

    RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
