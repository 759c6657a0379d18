package eu.confine.oob.api;

import java.util.regex.Pattern;

/**
 * A validated slice id and the host user name it maps to.
 *
 * <p>A slice id becomes a Linux user and group name, so it must be a portable user name:
 * lowercase letters, digits, {@code _} and {@code -}, not starting with {@code -}, and the user
 * name at most 32 characters. CONFINE's own slice ids are 12 lowercase hex digits and may be all
 * digits; {@code chown}, {@code find -user} and friends read an all-digit name as a uid, so such
 * an id maps to the user name {@code slice} followed by the digits ({@code 000000000042} becomes
 * {@code slice000000000042}). That mapping is the same on every node, and to keep it one-to-one
 * the names it produces are never accepted as raw slice ids.
 */
public final class SliceId implements Comparable<SliceId> {

    /** Longest host user name (the useradd limit). */
    public static final int MAX_USER_NAME_LENGTH = 32;

    /** Prefix that turns an all-digit slice id into a user name. */
    public static final String DIGITS_PREFIX = "slice";

    private static final Pattern PORTABLE_NAME = Pattern.compile("[a-z0-9_][a-z0-9_-]*");
    private static final Pattern ALL_DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern MAPPED_DIGITS = Pattern.compile(DIGITS_PREFIX + "[0-9]+");

    private final String value;
    private final String userName;

    private SliceId(String value, String userName) {
        this.value = value;
        this.userName = userName;
    }

    /**
     * Validates a slice id.
     *
     * @throws InvalidSliverRequestException naming the id and the rule it breaks
     */
    public static SliceId of(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw new InvalidSliverRequestException("(none)", "slice id is missing or empty");
        }
        String shown = printable(raw);
        if (!PORTABLE_NAME.matcher(raw).matches()) {
            throw new InvalidSliverRequestException(shown,
                    "slice id must be lowercase letters, digits, '_' or '-', not starting with '-'");
        }
        if (MAPPED_DIGITS.matcher(raw).matches()) {
            throw new InvalidSliverRequestException(shown,
                    "slice id is reserved: '" + DIGITS_PREFIX + "' + digits is the user name of an all-digit slice id");
        }
        String userName = ALL_DIGITS.matcher(raw).matches() ? DIGITS_PREFIX + raw : raw;
        if (userName.length() > MAX_USER_NAME_LENGTH) {
            throw new InvalidSliverRequestException(shown,
                    "slice id gives a user name longer than " + MAX_USER_NAME_LENGTH + " characters");
        }
        return new SliceId(raw, userName);
    }

    /**
     * The slice id of a host user name, the inverse of {@link #userName()}.
     *
     * @throws InvalidSliverRequestException if no valid slice id maps to that name
     */
    public static SliceId ofUserName(String userName) {
        if (userName != null && MAPPED_DIGITS.matcher(userName).matches()) {
            return of(userName.substring(DIGITS_PREFIX.length()));
        }
        return of(userName);
    }

    /** The slice id as the node knows it. */
    public String value() {
        return value;
    }

    /** The host user and group name of the slice's sliver. */
    public String userName() {
        return userName;
    }

    @Override
    public int compareTo(SliceId other) {
        return value.compareTo(other.value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SliceId && ((SliceId) other).value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }

    /** Shows an untrusted id in a log line or message without control characters, and not too long. */
    static String printable(String raw) {
        StringBuilder out = new StringBuilder();
        raw.codePoints().limit(64).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        if (raw.codePointCount(0, raw.length()) > 64) {
            out.append('…');
        }
        return out.toString();
    }
}
