package eu.confine.oob.sshd.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Clock;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.host.HostCommand;

/** The keys file is read only when root alone controls it and its directories; each line decides for its key only. */
public class SliverKeysTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final SliceId SLICE = SliceId.of("oobkeys1");
    private static final SliceId OTHER = SliceId.of("oobkeys2");

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Path homeBase;
    private SliverKeys keys;
    private String line;
    private PublicKey key;

    @Before
    public void files() throws Exception {
        homeBase = temp.newFolder("home").toPath();
        Files.setPosixFilePermissions(homeBase, PosixFilePermissions.fromString("rwxr-xr-x"));
        keys = new SliverKeys(homeBase, Clock.systemDefaultZone());
        line = newKey("admin");
        key = parse(line);
        write(SLICE, "restrict,pty " + line);
        write(OTHER, "restrict,pty " + newKey("other"));
    }

    @Test
    public void aListedKeyIsAdmittedToItsSliceOnly() {
        assertTrue(keys.check(SLICE, key, LOOPBACK).allowed());
        assertThat(keys.check(OTHER, key, LOOPBACK).refusal(), containsString("the key is not in"));
    }

    @Test
    public void writableOrForeignDirectoriesAndFilesAreNotRead() throws Exception {
        Path home = homeBase.resolve(SLICE.userName());
        Path ssh = home.resolve(".ssh");
        Path file = ssh.resolve("authorized_keys");
        assertRefusedWhile(() -> mode(ssh, "rwxrwx---"), () -> mode(ssh, "rwxr-x---"), "writable by root only");
        assertRefusedWhile(() -> mode(home, "rwxr-xrwx"), () -> mode(home, "rwxr-x---"), "writable by root only");
        assertRefusedWhile(() -> mode(file, "rw-rw----"), () -> mode(file, "rw-r-----"), "writable by root only");
        assertRefusedWhile(() -> mode(homeBase, "rwxrwxrwx"), () -> mode(homeBase, "rwxr-xr-x"), "writable by root only");
        assertRefusedWhile(() -> HostCommand.of("chown", "nobody", file.toString()).check(),
                () -> HostCommand.of("chown", "root", file.toString()).check(), "owned by root");
        Path real = temp.getRoot().toPath().resolve("real_keys");
        assertRefusedWhile(() -> {
            Files.move(file, real);
            Files.createSymbolicLink(file, real);
        }, () -> {
            Files.delete(file);
            Files.move(real, file);
        }, "(no link)");
        assertRefusedWhile(() -> Files.move(file, real), () -> Files.move(real, file), "does not exist");
    }

    @Test
    public void laterLinesForTheSameKeyDecideWhenEarlierOnesRefuse() throws Exception {
        write(SLICE, "restrict,pty,from=\"10.0.0.0/8\" " + line, "restrict,pty,no-pty " + line);
        SliverKeys.Verdict verdict = keys.check(SLICE, key, LOOPBACK);
        assertTrue(verdict.refusal(), verdict.allowed());
        assertFalse(verdict.options().ptyAllowed());

        write(SLICE, "restrict,pty,from=\"10.0.0.0/8\" " + line);
        assertThat(keys.check(SLICE, key, LOOPBACK).refusal(), containsString("line 1: the client address 127.0.0.1 does not match"));
    }

    @Test
    public void aLineThatCannotBeReadOrHasAnUnknownOptionRefusesItsKeyWithTheReason() throws Exception {
        write(SLICE, "restrict,restrict " + line);
        assertThat(keys.check(SLICE, key, LOOPBACK).refusal(), containsString("line 1 cannot be read"));
        write(SLICE, "restrict,pty,command=\"/bin/true\" " + line);
        assertThat(keys.check(SLICE, key, LOOPBACK).refusal(), containsString("line 1: option 'command' is not supported"));
    }

    @Test
    public void shortRsaKeysAreRefusedEvenWhenListed() throws Exception {
        Path file = temp.getRoot().toPath().resolve("rsa1024");
        HostCommand.of("ssh-keygen", "-q", "-t", "rsa", "-b", "1024", "-N", "", "-f", file.toString()).check();
        String rsa = Files.readString(Path.of(file + ".pub")).strip();
        write(SLICE, rsa);
        assertThat(keys.check(SLICE, parse(rsa), LOOPBACK).refusal(), containsString("RSA key of 1024 bits is too short"));
    }

    private void assertRefusedWhile(Action change, Action undo, String reason) throws Exception {
        change.run();
        try {
            SliverKeys.Verdict verdict = keys.check(SLICE, key, LOOPBACK);
            assertFalse(reason, verdict.allowed());
            assertThat(verdict.refusal(), containsString(reason));
        } finally {
            undo.run();
        }
        assertTrue("control after undoing: " + reason, keys.check(SLICE, key, LOOPBACK).allowed());
    }

    private void write(SliceId slice, String... lines) throws IOException {
        Path ssh = homeBase.resolve(slice.userName()).resolve(".ssh");
        if (!Files.isDirectory(ssh)) {
            Files.createDirectories(ssh);
            mode(ssh.getParent(), "rwxr-x---");
            mode(ssh, "rwxr-x---");
        }
        Path file = ssh.resolve("authorized_keys");
        Files.write(file, (String.join("\n", lines) + "\n").getBytes());
        mode(file, "rw-r-----");
    }

    private String newKey(String name) throws IOException {
        Path file = temp.getRoot().toPath().resolve(name);
        HostCommand.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", file.toString()).check();
        return Files.readString(Path.of(file + ".pub")).strip();
    }

    private static PublicKey parse(String publicLine) throws Exception {
        return AuthorizedKeyEntry.parseAuthorizedKeyEntry(publicLine).resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    }

    private static void mode(Path path, String mode) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }

    /** A file system change that may fail. */
    private interface Action {
        void run() throws Exception;
    }
}
