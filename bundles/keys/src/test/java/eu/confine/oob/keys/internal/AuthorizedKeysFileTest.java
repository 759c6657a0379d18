package eu.confine.oob.keys.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.stream.Stream;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import eu.confine.oob.api.SliceId;

/**
 * The writer on a real directory tree. Atomicity is by construction: the only path ever opened for writing is
 * the temp file, which has its final owner, group and mode before its first byte, and the one visible change
 * to {@code authorized_keys} is the rename; these tests check the observable part (new inode, same attributes,
 * no temp left behind).
 */
public class AuthorizedKeysFileTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Rule
    public HostGroup group = new HostGroup();

    private SliceId sliceId;
    private AuthorizedKeysFile file;
    private Path sshDir;

    @Before
    public void makeAccount() throws IOException {
        sliceId = group.sliceId();
        Path homeBase = temp.getRoot().toPath();
        file = new AuthorizedKeysFile(homeBase);
        sshDir = accountDirs(homeBase, sliceId);
    }

    /** Home and .ssh as the users bundle makes them: root:USER 0750. */
    static Path accountDirs(Path homeBase, SliceId sliceId) throws IOException {
        Path home = homeBase.resolve(sliceId.userName());
        Path ssh = home.resolve(".ssh");
        GroupPrincipal group = homeBase.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(sliceId.userName());
        for (Path dir : List.of(home, ssh)) {
            Files.createDirectory(dir);
            Files.setAttribute(dir, "posix:group", group);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        }
        return ssh;
    }

    @Test
    public void writesTheLinesRootOwnedGroupReadable() throws IOException {
        assertTrue(file.write(sliceId, List.of("line one", "line two")));

        Path written = sshDir.resolve("authorized_keys");
        assertEquals("line one\nline two\n", Files.readString(written));
        assertAttributes(written);
        assertThat(names(sshDir), contains("authorized_keys"));
    }

    @Test
    public void rewriteRenamesANewFileWithTheSameAttributes() throws IOException {
        file.write(sliceId, List.of("first"));
        Path written = sshDir.resolve("authorized_keys");
        Object before = Files.getAttribute(written, "unix:ino");

        assertTrue(file.write(sliceId, List.of("second", "third")));

        assertEquals("second\nthird\n", Files.readString(written));
        assertNotEquals(before, Files.getAttribute(written, "unix:ino"));
        assertAttributes(written);
        assertThat(names(sshDir), contains("authorized_keys"));
    }

    @Test
    public void anIdenticalFileIsLeftAlone() throws IOException {
        file.write(sliceId, List.of("same"));
        Path written = sshDir.resolve("authorized_keys");
        Object before = Files.getAttribute(written, "unix:ino");

        assertFalse(file.write(sliceId, List.of("same")));
        assertEquals(before, Files.getAttribute(written, "unix:ino"));
    }

    @Test
    public void driftedModeOrGroupIsRepaired() throws IOException {
        file.write(sliceId, List.of("same"));
        Path written = sshDir.resolve("authorized_keys");
        Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setAttribute(written, "posix:group", lookupGroup("root"));

        assertTrue(file.write(sliceId, List.of("same")));
        assertAttributes(written);
    }

    @Test
    public void aLeftoverTempOrALinkInItsPlaceIsReplaced() throws IOException {
        Path victim = temp.newFile("victim").toPath();
        Files.writeString(victim, "untouched");
        Files.createSymbolicLink(sshDir.resolve(".authorized_keys.tmp"), victim);

        file.write(sliceId, List.of("key"));

        assertEquals("untouched", Files.readString(victim));
        assertEquals("key\n", Files.readString(sshDir.resolve("authorized_keys")));
        assertThat(names(sshDir), contains("authorized_keys"));
    }

    @Test
    public void aSshDirThatIsALinkForeignOrOpenIsRefused() throws IOException {
        Path elsewhere = temp.newFolder("elsewhere").toPath();
        Path moved = sshDir.resolveSibling("real-ssh");
        Files.move(sshDir, moved);
        Files.createSymbolicLink(sshDir, elsewhere);
        IOException link = assertThrows(IOException.class, () -> file.write(sliceId, List.of("key")));
        assertThat(link.getMessage(), containsString("slice " + sliceId + ": " + sshDir + " must be a directory owned by root"));
        assertThat(names(elsewhere), org.hamcrest.Matchers.empty());

        Files.delete(sshDir);
        Files.move(moved, sshDir);
        UserPrincipal nobody = sshDir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(sshDir, nobody);
        assertThrows(IOException.class, () -> file.write(sliceId, List.of("key")));

        Files.setOwner(sshDir, sshDir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root"));
        Files.setPosixFilePermissions(sshDir, PosixFilePermissions.fromString("rwxrwx---"));
        assertThrows(IOException.class, () -> file.write(sliceId, List.of("key")));
        assertFalse(Files.exists(sshDir.resolve("authorized_keys")));
    }

    @Test
    public void aMissingAccountOrGroupIsReported() throws IOException {
        SliceId stranger = SliceId.of("ooktest-nogroup");
        IOException missing = assertThrows(IOException.class, () -> file.write(stranger, List.of("key")));
        assertThat(missing.getMessage(), containsString("does not exist (account not ready)"));
        assertFalse(file.hasSshDir(stranger));
        assertTrue(file.read(stranger).isEmpty());

        accountDirsWithoutGroup(temp.getRoot().toPath().resolve(stranger.userName()));
        IOException noGroup = assertThrows(IOException.class, () -> file.write(stranger, List.of("key")));
        assertThat(noGroup.getMessage(), containsString("there is no group ooktest-nogroup"));
    }

    private static void accountDirsWithoutGroup(Path home) throws IOException {
        Files.createDirectories(home.resolve(".ssh"));
    }

    private void assertAttributes(Path written) throws IOException {
        assertEquals(0640, (int) Files.getAttribute(written, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
        assertEquals(sliceId.userName(), ((GroupPrincipal) Files.getAttribute(written, "posix:group")).getName());
        assertEquals("root", Files.getOwner(written).getName());
        assertTrue(Files.isRegularFile(written, LinkOption.NOFOLLOW_LINKS));
    }

    private static GroupPrincipal lookupGroup(String name) throws IOException {
        return Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
