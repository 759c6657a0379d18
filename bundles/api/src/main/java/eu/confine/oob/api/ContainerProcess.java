package eu.confine.oob.api;

import java.io.InputStream;
import java.io.OutputStream;

/** A process running in (or attached to) a container: a console or a command, with or without a terminal. */
public interface ContainerProcess {

    OutputStream stdin();

    InputStream stdout();

    /** Standard error; with a terminal it is merged into {@link #stdout()} and this stream is empty. */
    InputStream stderr();

    /** Follows the client's terminal size; without a terminal it does nothing. */
    void resize(TerminalSize size);

    /** Waits for the process to end and returns its exit status. */
    int waitFor() throws InterruptedException;

    boolean isAlive();

    /** Ends the process and everything it started on the host side. */
    void destroy();
}
