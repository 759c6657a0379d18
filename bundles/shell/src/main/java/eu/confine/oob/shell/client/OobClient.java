package eu.confine.oob.shell.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Runs one Karaf command through the local control socket and exits with its status: the engine of {@code bin/oob}.
 *
 * <p>Usage: {@code java -Doob.socket=PATH -cp eu.confine.oob.shell.jar eu.confine.oob.shell.client.OobClient
 * COMMAND [ARG]...}. Every argument becomes exactly one word of the Karaf command line (quoted
 * as needed), so key lines with spaces survive. Exit status: the command's (0 done, 1 failed),
 * or {@value #CHANNEL_ERROR} when the command could not be run at all (usage, Karaf not running,
 * connection lost). JDK only: this class runs outside OSGi.
 */
public final class OobClient {

    /** System property naming the control socket. */
    public static final String SOCKET_PROPERTY = "oob.socket";
    /** The control socket when {@link #SOCKET_PROPERTY} is not set. */
    public static final String DEFAULT_SOCKET = "/run/confine-oob/control.sock";
    /** Exit status when the command could not be run or its end was not seen. */
    public static final int CHANNEL_ERROR = 2;

    private static final Pattern COMMAND_NAME = Pattern.compile("[A-Za-z0-9_.:-]+");

    private OobClient() {
    }

    public static void main(String[] args) {
        Path socket = Path.of(System.getProperty(SOCKET_PROPERTY, DEFAULT_SOCKET));
        int status = run(socket, Path.of("").toAbsolutePath(), List.of(args), System.out, System.err);
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    /** Runs one command through the socket, copying its output to {@code out} and {@code err}; returns the exit status. */
    public static int run(Path socket, Path directory, List<String> args, OutputStream out, OutputStream err) {
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        if (args.isEmpty()) {
            errors.println("usage: oob COMMAND [ARG]...   (e.g. oob oob:list)");
            return CHANNEL_ERROR;
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            errors.println("oob: cannot open a unix socket: " + e.getMessage());
            return CHANNEL_ERROR;
        }
        try (channel) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                errors.println("oob: cannot connect to " + socket + " (" + e.getMessage() + "): is confine-oob's Karaf running?");
                return CHANNEL_ERROR;
            }
            sendRequest(channel, directory, commandLine(args));
            return copyResponse(channel, out, errors);
        } catch (EOFException e) {
            errors.println("oob: Karaf closed the connection before the command finished; its output may be incomplete");
            return CHANNEL_ERROR;
        } catch (IOException e) {
            errors.println("oob: control connection failed: " + e.getMessage());
            return CHANNEL_ERROR;
        }
    }

    /**
     * Joins arguments into one Karaf command line in which each argument is exactly one word and
     * a String: the first stays bare if it is a plain command name ({@code oob:list}), every other
     * is single-quoted, because the Gogo parser turns bare {@code null}, {@code true}, numbers,
     * {@code [a]}, {@code $x} and {@code *} into other values.
     */
    public static String commandLine(List<String> args) {
        StringJoiner line = new StringJoiner(" ");
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            line.add(i == 0 && COMMAND_NAME.matcher(arg).matches() ? arg : quote(arg));
        }
        return line.toString();
    }

    /** One literal Gogo word: single-quoted, each {@code '} written as {@code '\''} (in double quotes Gogo chokes on it). */
    static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    private static void sendRequest(SocketChannel channel, Path directory, String commandLine) throws IOException {
        DataOutputStream request = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
        byte[] dir = directory.toString().getBytes(StandardCharsets.UTF_8);
        byte[] command = commandLine.getBytes(StandardCharsets.UTF_8);
        if (command.length > ControlProtocol.MAX_REQUEST || dir.length > ControlProtocol.MAX_REQUEST) {
            throw new IOException("command line or working directory longer than " + ControlProtocol.MAX_REQUEST + " bytes");
        }
        ControlProtocol.write(request, ControlProtocol.DIRECTORY, dir, 0, dir.length);
        ControlProtocol.write(request, ControlProtocol.COMMAND, command, 0, command.length);
        request.flush();
    }

    private static int copyResponse(SocketChannel channel, OutputStream out, PrintStream err) throws IOException {
        DataInputStream response = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
        while (true) {
            ControlProtocol.Frame frame = ControlProtocol.read(response, ControlProtocol.MAX_FRAME);
            switch (frame.type()) {
                case ControlProtocol.STDOUT -> out.write(frame.payload());
                case ControlProtocol.STDERR -> err.write(frame.payload());
                case ControlProtocol.EXIT -> {
                    if (frame.payload().length != 4) {
                        throw new IOException("exit frame of " + frame.payload().length + " bytes");
                    }
                    out.flush();
                    err.flush();
                    return ByteBuffer.wrap(frame.payload()).getInt();
                }
                default -> throw new IOException("unknown control frame type " + (frame.type() & 0xff));
            }
            if (response.available() == 0) {
                out.flush();
                err.flush();
            }
        }
    }
}
