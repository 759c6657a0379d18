package eu.confine.oob.sshd.internal;

/** Untrusted text (commands, user names, key options) made safe for one log line: printable ASCII, bounded. */
final class Printable {

    private static final int MAX = 200;

    private Printable() {
    }

    static String of(String raw) {
        if (raw == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        raw.chars().limit(MAX).forEach(c -> out.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return raw.length() > MAX ? out + "..." : out.toString();
    }
}
