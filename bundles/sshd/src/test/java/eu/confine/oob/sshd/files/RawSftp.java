package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.function.Consumer;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.sftp.client.RawSftpClient;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;

/** MINA's SFTP client, to send what stock clients never do: raw extension and link requests. */
final class RawSftp implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final SshClient client;
    private final ClientSession session;
    final SftpClient sftp;

    RawSftp(TestSshServer server, SliverFixture sliver) throws IOException {
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
        session = login(client, server, sliver);
        sftp = SftpClientFactory.instance().createSftpClient(session);
    }

    /** A session of the sliver's user on the test server, logged in with the test key. */
    static ClientSession login(SshClient client, TestSshServer server, SliverFixture sliver) throws IOException {
        ClientSession session = client.connect(sliver.user, "127.0.0.1", server.port()).verify(TIMEOUT).getSession();
        try (InputStream in = Files.newInputStream(server.clientKey)) {
            KeyPair key = SecurityUtils.loadKeyPairIdentities(null, null, in, FilePasswordProvider.EMPTY).iterator().next();
            session.addPublicKeyIdentity(key);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        session.auth().verify(TIMEOUT);
        return session;
    }

    /** Sends an SSH_FXP_EXTENDED request and returns the status code of the answer (-1 if not a status). */
    int extended(String name, Consumer<Buffer> arguments) throws IOException {
        return request(SftpConstants.SSH_FXP_EXTENDED, b -> {
            b.putString(name);
            arguments.accept(b);
        });
    }

    /** Sends a raw request and returns the status code of the answer (-1 if not a status). */
    int request(int type, Consumer<Buffer> arguments) throws IOException {
        RawSftpClient raw = (RawSftpClient) sftp;
        Buffer request = new ByteArrayBuffer();
        arguments.accept(request);
        int id = raw.send(type, request);
        Buffer answer = raw.receive(id, TIMEOUT);
        if (answer == null) {
            throw new IOException("no answer to " + SftpConstants.getCommandMessageName(type) + " within " + TIMEOUT);
        }
        answer.getInt();
        int answerType = answer.getUByte();
        answer.getInt();
        return answerType == SftpConstants.SSH_FXP_STATUS ? answer.getInt() : -1;
    }

    @Override
    public void close() throws IOException {
        try {
            sftp.close();
            session.close();
        } finally {
            client.stop();
        }
    }
}
