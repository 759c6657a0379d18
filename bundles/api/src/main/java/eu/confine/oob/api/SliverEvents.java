package eu.confine.oob.api;

/**
 * The event contract of confine-oob: every Event Admin topic and property name, in one place.
 *
 * <p>Node software (or {@code oob:*} commands, or a registry follower) posts the
 * <em>lifecycle</em> topics; the confine-oob bundles answer with <em>outcome</em> topics.
 * Between them run the <em>step</em> topics, by which the bundles order their work without
 * waiting on each other: account, then keys, then mount on deployment; mount, then account on
 * removal. Every outcome and step event carries {@link #SLICE_ID} and, when the request had one,
 * {@link #REQUEST_ID}.
 */
public final class SliverEvents {

    // ---- lifecycle topics, posted by the node side ----

    /**
     * A sliver now exists on this node (it may be stopped). Properties: {@link #SLICE_ID},
     * {@link #ADMIN_KEYS}; optional {@link #CONTAINER} (default: the slice id) and {@link #TMP}
     * (default: the container's rootfs {@code /tmp}); optional {@link #REQUEST_ID}.
     * Answered by {@link #SLIVER_READY} or {@link #SLIVER_FAILED}.
     */
    public static final String DEPLOYED = "confine/sliver/DEPLOYED";

    /**
     * The sliver is gone: unmount its tmp and delete its user, group and home, never its data.
     * Properties: {@link #SLICE_ID}; optional {@link #REQUEST_ID}.
     * Answered by {@link #SLIVER_CLEANED} or {@link #SLIVER_FAILED}.
     */
    public static final String REMOVED = "confine/sliver/REMOVED";

    /** The sliver's container started. Properties: {@link #SLICE_ID}. Informational. */
    public static final String STARTED = "confine/sliver/STARTED";

    /** The sliver's container stopped. Properties: {@link #SLICE_ID}. Informational. */
    public static final String STOPPED = "confine/sliver/STOPPED";

    /**
     * The slice's administrators changed: rewrite {@code authorized_keys}. Properties:
     * {@link #SLICE_ID}, {@link #ADMIN_KEYS}; optional {@link #REQUEST_ID}.
     * Answered by {@link #SLIVER_READY} or {@link #SLIVER_FAILED}.
     */
    public static final String KEYS_CHANGED = "confine/slice/KEYS_CHANGED";

    /** The node is halting or rebooting: unmount every sliver's tmp. No properties. */
    public static final String NODE_HALTING = "confine/node/HALTING";

    // ---- outcome topics, posted by confine-oob ----

    /** The sliver is reachable: account, keys and tmp mount are in place. Posted by the mounts bundle. */
    public static final String SLIVER_READY = "confine/oob/sliver/READY";

    /** A request about the sliver failed and was not carried out; {@link #REASON} says why. */
    public static final String SLIVER_FAILED = "confine/oob/sliver/FAILED";

    /** Everything confine-oob made for the sliver is gone. Posted by the users bundle. */
    public static final String SLIVER_CLEANED = "confine/oob/sliver/CLEANED";

    /**
     * An SSH session was opened (audit). Properties: {@link #SLICE_ID}, {@link #SESSION_ID},
     * {@link #SESSION_TYPE}, {@link #SOURCE}, {@link #KEY_FINGERPRINT}, {@link #COMMAND}.
     */
    public static final String SESSION_OPENED = "confine/oob/session/OPENED";

    /**
     * An SSH session was closed (audit). Properties: those of {@link #SESSION_OPENED} and
     * {@link #BYTES_IN}, {@link #BYTES_OUT}, {@link #DURATION_MS}.
     */
    public static final String SESSION_CLOSED = "confine/oob/session/CLOSED";

    /** Prefix of every outcome and step topic, for handlers that want them all. */
    public static final String OUTCOME_PREFIX = "confine/oob/";

    // ---- step topics, between the confine-oob bundles ----

    /** The sliver's user, group and home exist as specified. Posted by users, taken by keys. */
    public static final String ACCOUNT_READY = "confine/oob/step/ACCOUNT_READY";

    /** The sliver's {@code authorized_keys} is written. Posted by keys, taken by mounts. */
    public static final String KEYS_WRITTEN = "confine/oob/step/KEYS_WRITTEN";

    /** The sliver is being removed and its record says so. Posted by users, taken by mounts. */
    public static final String REMOVING = "confine/oob/step/REMOVING";

    /** Nothing is mounted below the sliver's home any more. Posted by mounts, taken by users. */
    public static final String UNMOUNTED = "confine/oob/step/UNMOUNTED";

    // ---- property names ----

    /** The slice id (String) as the node knows it; see {@link SliceId}. */
    public static final String SLICE_ID = "slice.id";

    /** The slice administrators' public keys (String[] or Collection of String), OpenSSH format. */
    public static final String ADMIN_KEYS = "slice.admin.keys";

    /** The LXC container name of the sliver (String). */
    public static final String CONTAINER = "sliver.container";

    /** The host path of the sliver's temporary directory (String, absolute). */
    public static final String TMP = "sliver.tmp";

    /** An opaque id (String) chosen by the requester, copied onto every step and outcome event. */
    public static final String REQUEST_ID = "request.id";

    /** Why a request failed (String, one line naming the slice), on {@link #SLIVER_FAILED}. */
    public static final String REASON = "reason";

    /** The lifecycle topic a step or outcome event answers (String). */
    public static final String CAUSE = "cause";

    /** The SSH front end's id of a session (Long). */
    public static final String SESSION_ID = "session.id";

    /** What a session did: {@code console}, {@code exec}, {@code sftp}, {@code scp} (String). */
    public static final String SESSION_TYPE = "session.type";

    /** The client's address and port (String). */
    public static final String SOURCE = "source.address";

    /** SHA256 fingerprint of the admin key a session logged in with (String). */
    public static final String KEY_FINGERPRINT = "key.fingerprint";

    /** The command of an exec or scp session (String, may be empty). */
    public static final String COMMAND = "command";

    /** Bytes received from the client (Long). */
    public static final String BYTES_IN = "bytes.in";

    /** Bytes sent to the client (Long). */
    public static final String BYTES_OUT = "bytes.out";

    /** How long the session lasted, in milliseconds (Long). */
    public static final String DURATION_MS = "duration.ms";

    private SliverEvents() {
    }
}
