package eu.confine.oob.api;

/**
 * The size of a terminal in characters.
 *
 * @param columns width
 * @param rows    height
 */
public record TerminalSize(int columns, int rows) {

    /** What a terminal gets when the client said nothing. */
    public static final TerminalSize DEFAULT = new TerminalSize(80, 24);

    public TerminalSize {
        if (columns < 0 || rows < 0 || columns > 10_000 || rows > 10_000) {
            throw new IllegalArgumentException("terminal size out of range: " + columns + "x" + rows);
        }
    }
}
