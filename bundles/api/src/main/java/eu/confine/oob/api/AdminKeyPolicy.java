package eu.confine.oob.api;

import java.util.List;

/** Decides which admin key lines are acceptable and how they appear in {@code authorized_keys}. */
public interface AdminKeyPolicy {

    /**
     * Checks the key lines of a slice.
     *
     * @return the accepted keys, rendered as {@code authorized_keys} lines, and the rejected ones with reasons
     */
    KeyCheck check(SliceId sliceId, List<String> keyLines);

    /**
     * The outcome of checking key lines.
     *
     * @param accepted {@code authorized_keys} lines, options included
     * @param rejected one line per rejected key: its comment (or position) and the reason
     */
    record KeyCheck(List<String> accepted, List<String> rejected) {
        public KeyCheck {
            accepted = List.copyOf(accepted);
            rejected = List.copyOf(rejected);
        }
    }
}
