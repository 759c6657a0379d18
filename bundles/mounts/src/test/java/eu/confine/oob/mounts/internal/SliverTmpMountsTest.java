package eu.confine.oob.mounts.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.host.HostCommand;
import eu.confine.oob.api.host.MountTable;

/** Real mounts, as root: the sliver's tmp is an ordinary directory given as an explicit tmp path. */
public class SliverTmpMountsTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Path homeBase;
    private Path sliverTmp;
    private SliverTmpMounts mounts;
    private final SliceId slice = SliceId.of("mnttest");

    @Before
    public void setUp() throws IOException {
        homeBase = temp.newFolder("home").toPath();
        Files.createDirectories(homeBase.resolve("mnttest/tmp"));
        sliverTmp = temp.newFolder("rootfs", "tmp").toPath();
        mounts = new SliverTmpMounts(new LinuxMounts(), null, homeBase);
    }

    @After
    public void unmountLeftovers() {
        for (MountTable.Mount mount : MountTable.read().atOrBelow(temp.getRoot().toPath())) {
            HostCommand.of("umount", "-l", mount.mountPoint().toString()).run();
        }
    }

    @Test
    public void mountsRestrictedPrivateAndSharesFilesBothWays() throws IOException {
        assertTrue(mounts.ensure(record(sliverTmp)));
        MountTable.Mount mount = MountTable.read().at(mounts.mountPoint(slice)).orElseThrow();
        assertTrue(mount.options().toString(), mount.has("nosuid", "nodev", "noexec", "nosymfollow"));
        assertTrue(mount.isPrivate());
        Files.writeString(sliverTmp.resolve("from-sliver"), "hello");
        assertEquals("hello", Files.readString(mounts.mountPoint(slice).resolve("from-sliver")));
        Files.writeString(mounts.mountPoint(slice).resolve("from-admin"), "bye");
        assertEquals("bye", Files.readString(sliverTmp.resolve("from-admin")));
        assertTrue(mounts.inspect(slice).ok());

        assertFalse("second ensure changes nothing", mounts.ensure(record(sliverTmp)));
        assertEquals(1, MountTable.read().atOrBelow(homeBase).size());
    }

    @Test
    public void symlinksInsideTheMountAreNotFollowed() throws IOException {
        Path secret = temp.newFile("host-secret").toPath();
        Files.writeString(secret, "host data");
        Files.createSymbolicLink(sliverTmp.resolve("link"), secret);
        mounts.ensure(record(sliverTmp));
        IOException e = assertThrows(IOException.class, () -> Files.readString(mounts.mountPoint(slice).resolve("link")));
        assertThat(e.toString(), containsString("link"));
    }

    @Test
    public void aSymlinkAsTheSliversTmpIsRefusedAndNothingIsMounted() throws IOException {
        Path elsewhere = temp.newFolder("elsewhere").toPath();
        Path fakeRoot = temp.newFolder("fakeroot").toPath();
        Files.createSymbolicLink(fakeRoot.resolve("tmp"), elsewhere);
        IOException e = assertThrows(IOException.class, () -> mounts.ensure(record(fakeRoot.resolve("tmp"))));
        assertThat(e.getMessage(), containsString("without following links"));
        assertTrue(MountTable.read().atOrBelow(homeBase).isEmpty());
    }

    @Test
    public void aSymlinkAnywhereInAnExplicitTmpPathIsRefused() throws IOException {
        Path real = temp.newFolder("real", "tmp").toPath();
        Files.createSymbolicLink(temp.getRoot().toPath().resolve("alias"), real.getParent());
        assertThrows(IOException.class, () -> mounts.ensure(record(temp.getRoot().toPath().resolve("alias/tmp"))));
        assertTrue(MountTable.read().atOrBelow(homeBase).isEmpty());
    }

    @Test
    public void anUnrestrictedMountIsReplaced() throws IOException {
        HostCommand.of("mount", "--bind", sliverTmp.toString(), mounts.mountPoint(slice).toString()).check();
        assertFalse(mounts.inspect(slice).ok());
        assertTrue(mounts.ensure(record(sliverTmp)));
        assertTrue(mounts.inspect(slice).ok());
        assertEquals(1, MountTable.read().atOrBelow(homeBase).size());
    }

    @Test
    public void unmountTakesEverythingBelowTheHomeAndIsIdempotent() throws IOException {
        mounts.ensure(record(sliverTmp));
        Files.createDirectories(sliverTmp.resolve("inner"));
        HostCommand.of("mount", "-t", "tmpfs", "none", mounts.mountPoint(slice).resolve("inner").toString()).check();
        mounts.unmount(slice);
        assertTrue(MountTable.read().atOrBelow(homeBase).isEmpty());
        mounts.unmount(slice);
        assertFalse(mounts.inspect(slice).ok());
        assertTrue("sliver data untouched", Files.isDirectory(sliverTmp.resolve("inner")));
    }

    @Test
    public void aMissingAccountIsReported() {
        SliverTmpMounts other = new SliverTmpMounts(new LinuxMounts(), null, homeBase.resolve("nowhere"));
        IOException e = assertThrows(IOException.class, () -> other.ensure(record(sliverTmp)));
        assertThat(e.getMessage(), containsString("slice mnttest"));
    }

    private SliverRecord record(Path tmp) {
        return new SliverRecord(slice, "mnttest", Optional.of(tmp), List.of("k"), SliverRecord.Phase.DEPLOYING);
    }
}
