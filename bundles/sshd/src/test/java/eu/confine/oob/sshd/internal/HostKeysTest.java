package eu.confine.oob.sshd.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import eu.confine.oob.api.host.HostCommand;

/** Host keys: generated once, root-only, in a format OpenSSH reads, reused afterwards, refused when exposed. */
public class HostKeysTest {

    @ClassRule
    public static final TemporaryFolder GENERATED = new TemporaryFolder();

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private static Path generatedDirectory;
    private static List<String> generatedFingerprints;

    /** Generates the keys once (RSA 3072 takes a while); the other tests start from copies. */
    @BeforeClass
    public static void generate() throws Exception {
        generatedDirectory = GENERATED.getRoot().toPath().resolve("hostkeys");
        generatedFingerprints = new HostKeys(generatedDirectory).loadOrGenerate().stream().map(HostKeys::fingerprint).toList();
    }

    @Test
    public void bothKeysAreGeneratedRootOnlyInOpenSshFormat() throws Exception {
        Path directory = generatedDirectory;

        assertEquals(2, generatedFingerprints.size());
        assertEquals("rwx------", mode(directory));
        for (String name : List.of("ssh_host_ed25519_key", "ssh_host_rsa_key")) {
            Path key = directory.resolve(name);
            assertEquals("rw-------", mode(key));
            assertEquals("rw-r--r--", mode(Path.of(key + ".pub")));
            assertThat(Files.readString(key), containsString("-----BEGIN OPENSSH PRIVATE KEY-----"));
            // OpenSSH itself derives the same public key from the private key file.
            String derived = HostCommand.of("ssh-keygen", "-y", "-f", key.toString()).check().strip();
            assertEquals(Files.readString(Path.of(key + ".pub")).split(" ")[1], derived.split(" ")[1]);
        }
        String rsa = HostCommand.of("ssh-keygen", "-l", "-f", directory.resolve("ssh_host_rsa_key.pub").toString()).check();
        assertThat(rsa, containsString("3072 "));
    }

    @Test
    public void existingKeysAreReused() throws Exception {
        Path directory = copy();

        assertEquals(generatedFingerprints, new HostKeys(directory).loadOrGenerate().stream().map(HostKeys::fingerprint).toList());
        assertEquals(generatedFingerprints, new HostKeys(directory).loadOrGenerate().stream().map(HostKeys::fingerprint).toList());
    }

    @Test
    public void anExposedOrLinkedKeyStopsTheStart() throws Exception {
        Path directory = copy();
        Path key = directory.resolve("ssh_host_rsa_key");

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        IOException exposed = assertThrows(IOException.class, () -> new HostKeys(directory).loadOrGenerate());
        assertThat(exposed.getMessage(), containsString("may have been read by others"));

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path moved = Files.move(key, temp.getRoot().toPath().resolve("elsewhere"));
        Files.createSymbolicLink(key, moved);
        IOException linked = assertThrows(IOException.class, () -> new HostKeys(directory).loadOrGenerate());
        assertThat(linked.getMessage(), containsString("not a link"));

        Files.delete(key);
        Files.move(moved, key);
        assertEquals(2, new HostKeys(directory).loadOrGenerate().size());
    }

    @Test
    public void aDirectoryOpenToOthersIsClosed() throws Exception {
        Path directory = copy();
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertEquals(generatedFingerprints, new HostKeys(directory).loadOrGenerate().stream().map(HostKeys::fingerprint).toList());
        assertEquals("rwx------", mode(directory));
    }

    /** A copy of the generated keys, with their modes. */
    private Path copy() throws IOException {
        Path directory = temp.getRoot().toPath().resolve("hostkeys");
        Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (var files = Files.list(generatedDirectory)) {
            for (Path file : files.toList()) {
                Files.copy(file, directory.resolve(file.getFileName()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return directory;
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
