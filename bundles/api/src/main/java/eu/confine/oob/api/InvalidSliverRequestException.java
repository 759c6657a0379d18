package eu.confine.oob.api;

/** A lifecycle request that cannot be carried out as asked; nothing was changed on the host. */
public class InvalidSliverRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String sliceId;

    public InvalidSliverRequestException(String sliceId, String reason) {
        super("slice " + sliceId + ": " + reason);
        this.sliceId = sliceId;
    }

    /** The slice id as received, made printable. */
    public String sliceId() {
        return sliceId;
    }
}
