package eu.confine.oob.sshd.files;

/** Shows client-chosen text in a log line: control characters escaped, at most 128 characters. */
final class Printable {

    private static final int MAX = 128;

    private Printable() {
    }

    static String of(String raw) {
        StringBuilder out = new StringBuilder();
        raw.codePoints().limit(MAX).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        if (raw.codePointCount(0, raw.length()) > MAX) {
            out.append('…');
        }
        return out.toString();
    }
}
