package eu.confine.oob.shell.internal;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import eu.confine.oob.shell.client.ControlProtocol;

/** A command's stdout or stderr, written as frames of one type onto a connection shared with the other stream. */
final class FrameOutputStream extends OutputStream {

    private static final int CHUNK = 64 * 1024;

    private final DataOutputStream wire;
    private final byte type;
    private boolean closed;

    /** @param wire the connection's output; frames are written while holding its monitor */
    FrameOutputStream(DataOutputStream wire, byte type) {
        this.wire = wire;
        this.type = type;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        synchronized (wire) {
            if (closed) {
                throw new IOException("command output after its exit status was sent");
            }
            for (int done = 0; done < length; done += CHUNK) {
                ControlProtocol.write(wire, type, bytes, offset + done, Math.min(CHUNK, length - done));
            }
        }
    }

    @Override
    public void flush() throws IOException {
        synchronized (wire) {
            if (!closed) {
                wire.flush();
            }
        }
    }

    /** Flushes and refuses any later write; the connection stays open. */
    @Override
    public void close() throws IOException {
        synchronized (wire) {
            if (!closed) {
                wire.flush();
                closed = true;
            }
        }
    }
}
