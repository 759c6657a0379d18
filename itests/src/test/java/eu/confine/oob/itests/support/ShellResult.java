package eu.confine.oob.itests.support;

/**
 * What one Karaf shell command printed and whether it threw.
 *
 * @param command the command line
 * @param stdout  what it printed on the session's standard output
 * @param stderr  what it printed on the session's error stream
 * @param error   what it threw, or null
 */
public record ShellResult(String command, String stdout, String stderr, Throwable error) {

    /** Whether the command threw. */
    public boolean failed() {
        return error != null;
    }

    /** The message of what it threw, or the empty string. */
    public String errorMessage() {
        return error == null ? "" : String.valueOf(error.getMessage());
    }

    @Override
    public String toString() {
        return command + (failed() ? " threw " + error : " succeeded") + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}
