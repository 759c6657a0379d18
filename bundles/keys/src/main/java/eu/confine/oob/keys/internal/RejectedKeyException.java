package eu.confine.oob.keys.internal;

/** A key line the policy refuses; the message is the reason, the comment identifies the key if it has one. */
final class RejectedKeyException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String comment;

    RejectedKeyException(String comment, String reason) {
        super(reason);
        this.comment = comment;
    }

    /** The key's sanitised comment, empty if unknown. */
    String comment() {
        return comment;
    }
}
