package eu.confine.oob.shell.client;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The framing of the local control channel between {@code bin/oob} and Karaf (JDK only, shared by both ends).
 *
 * <p>Both directions carry frames: one type byte, a 4-byte big-endian payload length, then the
 * payload. One connection runs one command:
 * <ol>
 * <li>client to server: at most one {@link #DIRECTORY} frame (the client's working directory,
 * UTF-8, against which commands resolve relative paths), then exactly one {@link #COMMAND} frame
 * (one Karaf command line, UTF-8); requests are limited to {@link #MAX_REQUEST} bytes;</li>
 * <li>server to client: any number of {@link #STDOUT} and {@link #STDERR} frames (raw UTF-8
 * bytes, in the order the command wrote and flushed them), then exactly one {@link #EXIT} frame
 * whose 4-byte payload is the exit status: 0 when the command returned, 1 when it threw (its
 * message is the last {@code STDERR} frame); then the server closes the connection.</li>
 * </ol>
 * A connection that ends before the {@code EXIT} frame is a failed run: output may be incomplete.
 */
public final class ControlProtocol {

    /** Client to server: the client's working directory. */
    public static final byte DIRECTORY = 'D';
    /** Client to server: the command line; the last frame of a request. */
    public static final byte COMMAND = 'C';
    /** Server to client: bytes the command wrote to its standard output. */
    public static final byte STDOUT = 'O';
    /** Server to client: bytes the command wrote to its standard error. */
    public static final byte STDERR = 'E';
    /** Server to client: the exit status (4-byte big-endian int); the last frame of a response. */
    public static final byte EXIT = 'X';

    /** Largest payload of a request frame. */
    public static final int MAX_REQUEST = 64 * 1024;
    /** Largest payload of any frame. */
    public static final int MAX_FRAME = 1024 * 1024;

    private ControlProtocol() {
    }

    /** One frame as read from the wire. */
    public record Frame(byte type, byte[] payload) {
    }

    /** Writes one frame (not flushed). */
    public static void write(DataOutputStream out, byte type, byte[] payload, int offset, int length) throws IOException {
        out.writeByte(type);
        out.writeInt(length);
        out.write(payload, offset, length);
    }

    /** Writes the exit-status frame (not flushed). */
    public static void writeExit(DataOutputStream out, int status) throws IOException {
        out.writeByte(EXIT);
        out.writeInt(4);
        out.writeInt(status);
    }

    /**
     * Reads one frame.
     *
     * @throws java.io.EOFException if the stream ends before or inside the frame
     * @throws IOException          if the length is negative or above {@code maxPayload}
     */
    public static Frame read(DataInputStream in, int maxPayload) throws IOException {
        byte type = in.readByte();
        int length = in.readInt();
        if (length < 0 || length > maxPayload) {
            throw new IOException("control frame '" + (char) type + "' of " + length + " bytes exceeds the limit of " + maxPayload);
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(type, payload);
    }
}
