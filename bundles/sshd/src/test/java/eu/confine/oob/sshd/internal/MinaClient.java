package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelSession;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.security.SecurityUtils;

/** A MINA SSHD client for the requests OpenSSH cannot be made to send, or whose answers it does not show. */
final class MinaClient implements AutoCloseable {

    private static final Duration LIMIT = Duration.ofSeconds(10);

    private final SshClient client = SshClient.setUpDefaultClient();

    MinaClient() {
        client.start();
    }

    /** A connection, not yet authenticated. */
    ClientSession connect(String user, int port) throws IOException {
        return client.connect(user, "127.0.0.1", port).verify(LIMIT).getSession();
    }

    /** A connection authenticated with the key file. */
    ClientSession login(String user, int port, Path key) throws Exception {
        ClientSession session = connect(user, port);
        session.addPublicKeyIdentity(load(key));
        session.auth().verify(LIMIT);
        return session;
    }

    /** Opens a bare session channel on which requests can be sent one by one. */
    static RawChannel rawChannel(ClientSession session) throws IOException {
        RawChannel channel = new RawChannel();
        session.getService(ConnectionService.class).registerChannel(channel);
        channel.open().verify(LIMIT);
        return channel;
    }

    /** Sends a global request with want-reply; whether it succeeded. */
    static boolean globalRequest(ClientSession session, String name, Object... fields) throws IOException {
        Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, 256);
        buffer.putString(name);
        buffer.putBoolean(true);
        put(buffer, fields);
        return session.request(name, buffer, LIMIT) != null;
    }

    static KeyPair load(Path key) throws Exception {
        try (InputStream in = Files.newInputStream(key)) {
            return SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(key.toString()), in, null).iterator().next();
        }
    }

    @Override
    public void close() throws IOException {
        client.stop();
    }

    private static void put(Buffer buffer, Object... fields) {
        for (Object field : fields) {
            if (field instanceof String text) {
                buffer.putString(text);
            } else if (field instanceof Boolean flag) {
                buffer.putBoolean(flag);
            } else {
                buffer.putUInt(((Number) field).longValue());
            }
        }
    }

    /** A session channel that records the server's answers to the requests sent on it. */
    static final class RawChannel extends ChannelSession {
        private final BlockingQueue<Boolean> replies = new LinkedBlockingQueue<>();

        /** Sends a channel request with want-reply and returns whether the server said yes. */
        boolean request(String name, Object... fields) throws IOException, InterruptedException {
            Buffer buffer = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, 256);
            buffer.putUInt(getRecipient());
            buffer.putString(name);
            buffer.putBoolean(true);
            put(buffer, fields);
            writePacket(buffer);
            Boolean reply = replies.poll(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            if (reply == null) {
                throw new AssertionError("no answer to " + name + " within " + LIMIT);
            }
            return reply;
        }

        @Override
        public void handleSuccess() {
            replies.add(true);
        }

        @Override
        public void handleFailure() {
            replies.add(false);
        }
    }
}
