package eu.confine.oob.shell.internal;

import java.io.PrintStream;
import java.nio.file.Path;

import jdk.net.UnixDomainPrincipal;

/** Runs one command line received on the control socket. */
public interface CommandExecutor {

    /**
     * Runs the command line and returns its exit status: 0 when it completed, 1 when it failed,
     * after writing one line saying why to {@code err}.
     *
     * @param commandLine one Karaf command line
     * @param directory   the client's working directory, or null if it sent none
     * @param peer        the connected user and group
     * @param out         the command's standard output
     * @param err         the command's standard error
     */
    int execute(String commandLine, Path directory, UnixDomainPrincipal peer, PrintStream out, PrintStream err);
}
