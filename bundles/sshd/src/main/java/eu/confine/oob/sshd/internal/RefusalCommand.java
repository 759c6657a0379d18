package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.sshd.server.command.AbstractCommandSupport;

import eu.confine.oob.api.SliceId;

/** A channel request that is answered with one line on stderr and exit status 1. */
final class RefusalCommand extends AbstractCommandSupport {

    private final String line;
    private final boolean terminal;

    /** @param terminal whether the client has a terminal (in raw mode: the line ends with CR LF) */
    RefusalCommand(String line, boolean terminal) {
        super("refusal", null);
        this.line = line;
        this.terminal = terminal;
    }

    /** The line for a slice whose sliver is stopped or has no container. */
    static String notRunning(SliceId sliceId) {
        return "slice " + sliceId + ": the sliver is not running; file transfer to tmp/ (scp, sftp, sshfs) still works";
    }

    @Override
    public void run() {
        try {
            getErrorStream().write((line + (terminal ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8));
            getErrorStream().flush();
        } catch (IOException e) {
            // The client is gone; the exit status below cannot reach it either, but the channel must still close.
        } finally {
            onExit(1);
        }
    }
}
