package eu.confine.oob.sshd.files;

import java.io.Closeable;
import java.nio.channels.ClosedChannelException;

/**
 * An open file descriptor shared by the operations that use it: it is closed only once no operation
 * holds it any more, so a close racing an operation can never let the number be reused for another
 * file while that operation still calls the kernel with it.
 */
final class NativeFd implements Closeable {

    private final int fd;
    private int users;
    private boolean closed;

    NativeFd(int fd) {
        this.fd = fd;
    }

    /** The descriptor, held until {@link #release()}. */
    synchronized int acquire() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
        users++;
        return fd;
    }

    synchronized void release() {
        users--;
        if (closed && users == 0) {
            LibC.close(fd);
        }
    }

    synchronized boolean isOpen() {
        return !closed;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (users == 0) {
                LibC.close(fd);
            }
        }
    }

    @Override
    public String toString() {
        return "fd " + fd;
    }
}
