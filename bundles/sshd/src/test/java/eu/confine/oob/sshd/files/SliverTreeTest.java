package eu.confine.oob.sshd.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.util.List;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Each layer on its own: the tree refuses a tmp that is not the restricted mount, and, forced onto a
 * bind mount without nosymfollow and nodev, its resolution and type checks still follow no link,
 * leave no tmp and open no device or FIFO.
 */
public class SliverTreeTest {

    private static SliverFixture sliver;
    private static Credentials credentials;
    private static SliverIdentity who;
    private static Arch arch;
    private static String home;

    @BeforeClass
    public static void plant() throws IOException {
        sliver = new SliverFixture();
        arch = Arch.current();
        credentials = new Credentials(arch);
        who = SliverIdentity.lookup(sliver.user);
        home = sliver.home.resolve("tmp").toString();
        Files.writeString(sliver.tmp("regular"), "regular\n");
        Files.createSymbolicLink(sliver.tmp("link"), sliver.readableMarker);
        Files.createSymbolicLink(sliver.tmp("dirlink"), sliver.outside);
        Host.check("mkfifo", sliver.tmp("fifo").toString());
        Host.check("mknod", "-m", "0666", sliver.tmp("device").toString(), "c", "1", "5");
    }

    @AfterClass
    public static void remove() {
        if (sliver != null) {
            sliver.close();
        }
    }

    private static void remount(String options) {
        Host.check("mount", "-o", "remount,bind" + options, home);
    }

    @Test
    public void onlyTheRestrictedMountIsServed() throws IOException {
        try {
            remount(",symfollow,dev,nosuid,noexec");
            AccessDeniedException flags = assertThrows(AccessDeniedException.class,
                    () -> SliverTree.open(credentials, arch, who, sliver.homeBase));
            assertThat(flags.getMessage(), containsString("nosymfollow"));
            Host.check("umount", home);
            AccessDeniedException unmounted = assertThrows(AccessDeniedException.class,
                    () -> SliverTree.open(credentials, arch, who, sliver.homeBase));
            assertThat(unmounted.getMessage(), containsString("not mounted"));
        } finally {
            if (Host.run("mountpoint", "-q", home).status() != 0) {
                Host.check("mount", "--bind", sliver.sliverTmp.toString(), home);
                Host.check("mount", "--make-private", home);
            }
            remount(",nosymfollow,nosuid,nodev,noexec");
        }
        try (SliverTree control = SliverTree.open(credentials, arch, who, sliver.homeBase)) {
            assertEquals("control: the restricted mount is served", "regular\n".length(), control.stat(List.of("regular")).size());
        }
    }

    @Test
    public void resolutionAndTypeChecksHoldWithoutTheMountFlags() throws IOException {
        remount(",symfollow,dev,nosuid,noexec");
        try (SliverTree tree = SliverTree.open(credentials, arch, who, sliver.homeBase, false)) {
            assertThrows(FileSystemException.class, () -> tree.openFile(List.of("link"), LibC.O_RDONLY, 0));
            assertThrows(FileSystemException.class, () -> tree.openFile(List.of("dirlink", "readable"), LibC.O_RDONLY, 0));
            assertThrows(FileSystemException.class, () -> tree.openFile(List.of("..", "..", "outside", "readable"), LibC.O_RDONLY, 0));
            assertThrows(FileSystemException.class, () -> tree.openDirectory(List.of("dirlink")));
            assertThrows(FileSystemException.class, () -> tree.mkdir(List.of("dirlink", "made"), 0777));
            assertThrows(FileSystemException.class, () -> tree.rename(List.of("regular"), List.of("dirlink", "stolen"), false));
            assertThrows(FileSystemException.class, () -> tree.delete(List.of("dirlink", "readable")));
            assertThrows(FileSystemException.class, () -> tree.chmod(List.of("link"), 0777));
            AccessDeniedException device = assertThrows(AccessDeniedException.class,
                    () -> tree.openFile(List.of("device"), LibC.O_RDONLY, 0));
            assertThat(device.getReason(), containsString("not a regular file"));
            assertThrows(AccessDeniedException.class, () -> tree.openFile(List.of("fifo"), LibC.O_RDONLY, 0));
            assertThrows(AccessDeniedException.class, () -> tree.openFile(List.of("fifo"), LibC.O_WRONLY, 0));
            assertTrue("lstat shows the link itself", tree.stat(List.of("link")).isSymbolicLink());
            assertEquals("readlink reads the text", sliver.readableMarker.toString(), tree.readlink(List.of("link")));
            try (var opened = tree.openFile(List.of("regular"), LibC.O_RDONLY, 0).fd()) {
                assertTrue("control: a regular file opens", opened.isOpen());
            }
        } finally {
            remount(",nosymfollow,nosuid,nodev,noexec");
        }
        assertEquals(List.of("readable", "root-group", "user-group", "writable"), HostileSliverTest.list(sliver.outside));
        assertEquals("644", Integer.toOctalString((Integer) Files.getAttribute(sliver.readableMarker, "unix:mode") & 0777));
    }
}
