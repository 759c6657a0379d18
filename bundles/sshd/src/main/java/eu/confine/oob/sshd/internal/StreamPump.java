package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * Copies one stream into another on a thread of its own, flushing after every read so that a terminal stays
 * interactive. A write blocks while the SSH channel's window is full, which is how the client's flow control
 * reaches the process.
 */
final class StreamPump {

    private final InputStream from;
    private final OutputStream to;
    private final boolean closeTarget;
    private final Thread thread;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean writing;

    private StreamPump(String name, InputStream from, OutputStream to, boolean closeTarget) {
        this.from = from;
        this.to = to;
        this.closeTarget = closeTarget;
        this.thread = new Thread(this::copy, name);
        this.thread.setDaemon(true);
    }

    /**
     * Starts copying.
     *
     * @param closeTarget whether to close {@code to} when {@code from} ends (a pipe's stdin: the process sees EOF)
     */
    static StreamPump start(String name, InputStream from, OutputStream to, boolean closeTarget) {
        StreamPump pump = new StreamPump(name, from, to, closeTarget);
        pump.thread.start();
        return pump;
    }

    /**
     * Waits until the source has ended, or has given nothing for {@code idle} while no write was pending (a
     * background process may keep a pipe open after the command ended). Returns whether the source ended.
     */
    boolean awaitEnd(Duration idle) throws InterruptedException {
        while (thread.isAlive()) {
            thread.join(Math.max(1, Math.min(100, idle.toMillis())));
            if (!writing && System.nanoTime() - lastProgress > idle.toNanos()) {
                return !thread.isAlive();
            }
        }
        return true;
    }

    private void copy() {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = from.read(buffer)) >= 0; ) {
                lastProgress = System.nanoTime();
                if (n > 0) {
                    writing = true;
                    to.write(buffer, 0, n);
                    to.flush();
                    writing = false;
                    lastProgress = System.nanoTime();
                }
            }
            if (closeTarget) {
                to.close();
            }
        } catch (IOException e) {
            // The other side went away (channel closed, process ended, a terminal reports EIO): nothing more to copy.
            writing = false;
        }
    }
}
