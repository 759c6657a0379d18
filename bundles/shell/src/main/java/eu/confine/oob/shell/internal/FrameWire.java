package eu.confine.oob.shell.internal;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.shell.client.ControlProtocol;

/**
 * The server-to-client side of one connection: the command's stdout and stderr as frames in
 * write order, then the exit frame, after which any late output is refused. Output is buffered
 * and flushed {@value #LINGER_MS} ms after it was written, so large output costs no system call
 * per line and slow commands still stream.
 */
final class FrameWire {

    private static final Logger LOG = LoggerFactory.getLogger(FrameWire.class);
    private static final long LINGER_MS = 20;
    private static final int CHUNK = 64 * 1024;

    private final DataOutputStream wire;
    private final ScheduledExecutorService timer;
    private final Executor flusher;
    private boolean flushPending;
    private boolean ended;

    /**
     * @param channel the connection's output
     * @param timer   schedules the lingering flush
     * @param flusher runs the flush, which may block on a slow client, off the timer thread
     */
    FrameWire(OutputStream channel, ScheduledExecutorService timer, Executor flusher) {
        this.wire = new DataOutputStream(new BufferedOutputStream(channel, CHUNK));
        this.timer = timer;
        this.flusher = flusher;
    }

    /** A stream writing frames of one type ({@link ControlProtocol#STDOUT} or {@link ControlProtocol#STDERR}). */
    OutputStream stream(byte type) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                frames(type, bytes, offset, length);
            }
        };
    }

    /** Sends one line on stderr and the exit status, then refuses further output. */
    synchronized void end(String stderrLine, int status) throws IOException {
        if (stderrLine != null) {
            byte[] line = (stderrLine + "\n").getBytes(StandardCharsets.UTF_8);
            ControlProtocol.write(wire, ControlProtocol.STDERR, line, 0, line.length);
        }
        ended = true;
        ControlProtocol.writeExit(wire, status);
        wire.flush();
    }

    private synchronized void frames(byte type, byte[] bytes, int offset, int length) throws IOException {
        if (ended) {
            throw new IOException("command output after its exit status was sent");
        }
        for (int done = 0; done < length; done += CHUNK) {
            ControlProtocol.write(wire, type, bytes, offset + done, Math.min(CHUNK, length - done));
        }
        if (!flushPending) {
            flushPending = true;
            try {
                timer.schedule(() -> flusher.execute(this::lingeringFlush), LINGER_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("Server shutting down, output is flushed at the end only");
            }
        }
    }

    private synchronized void lingeringFlush() {
        flushPending = false;
        if (!ended) {
            try {
                wire.flush();
            } catch (IOException e) {
                LOG.debug("Client went away while output was flushed: {}", e.toString());
            }
        }
    }
}
