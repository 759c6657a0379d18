package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;

import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * A MINA SSH server on 127.0.0.1 with the file service and nothing else: scp exec requests go to
 * {@link SliverFiles#scpCommand}, every other exec request is refused, and the server's file system
 * factory fails (the file service must never ask it), as in the real front end.
 */
final class TestSshServer implements AutoCloseable {

    final SshServer server;
    final SliverFiles files;
    final Path clientKey;

    TestSshServer(SliverFixture sliver, int maxOpenHandles) throws IOException {
        files = new SliverFiles(new SliverFilesConfig(sliver.homeBase, maxOpenHandles));
        clientKey = sliver.base.resolve("client_key");
        Host.check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", clientKey.toString());
        PublicKey key;
        try (var in = Files.newInputStream(clientKey)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, null, in, FilePasswordProvider.EMPTY);
            key = pairs.iterator().next().getPublic();
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(sliver.base.resolve("host_key")));
        server.setPublickeyAuthenticator(new TestKeyAuthenticatorFake(sliver.user, key));
        server.setFileSystemFactory(new NoHostFileSystem());
        server.setSubsystemFactories(List.of(files.sftpSubsystem()));
        server.setCommandFactory((channel, command) -> {
            if (command.startsWith("scp ")) {
                return files.scpCommand(channel, command);
            }
            throw new IOException("only scp is served here");
        });
        server.start();
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() throws IOException {
        files.close();
        server.stop(true);
    }

    /** Like the front end's: no command gets the host's file system. */
    private static final class NoHostFileSystem implements FileSystemFactory {
        @Override
        public Path getUserHomeDir(SessionContext session) throws IOException {
            throw new IOException("no host file system is served");
        }

        @Override
        public FileSystem createFileSystem(SessionContext session) throws IOException {
            throw new IOException("no host file system is served");
        }
    }
}
