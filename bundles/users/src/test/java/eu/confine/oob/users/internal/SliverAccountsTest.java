package eu.confine.oob.users.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.host.HostCommand;
import eu.confine.oob.api.host.MountTable;

/** Real host users and groups, as root; names are private to this test and removed afterwards. */
public class SliverAccountsTest {

    private static final String GROUP = "oobtsliver";

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final SliceId slice = SliceId.of("oobtuser1");
    private Path homeBase;
    private SliverAccounts accounts;

    @Before
    public void setUp() throws IOException {
        cleanUp();
        homeBase = temp.newFolder("home").toPath();
        accounts = new SliverAccounts(new HostAccounts(), homeBase, GROUP, "/bin/sh");
    }

    @After
    public void cleanUp() {
        for (MountTable.Mount mount : MountTable.read().atOrBelow(Path.of(System.getProperty("java.io.tmpdir")))) {
            if (mount.mountPoint().toString().contains("junit")) {
                HostCommand.of("umount", "-l", mount.mountPoint().toString()).run();
            }
        }
        HostCommand.of("userdel", slice.userName()).run();
        HostCommand.of("groupdel", slice.userName()).run();
        HostCommand.of("groupdel", "oobtother").run();
        HostCommand.of("groupdel", GROUP).run();
    }

    @Test
    public void createsUserGroupAndHomeExactlyAsSpecified() throws IOException {
        accounts.ensure(slice);
        Path home = homeBase.resolve("oobtuser1");
        assertEquals("oobtuser1:x:" + uid() + ":" + gid("oobtuser1") + ":confine-oob sliver of slice oobtuser1:" + home + ":/bin/sh",
                getent("passwd", "oobtuser1"));
        assertEquals("*", getent("shadow", "oobtuser1").split(":")[1]);
        for (String ranges : List.of("/etc/subuid", "/etc/subgid")) {
            if (Files.exists(Path.of(ranges))) {
                assertFalse("no subordinate id range in " + ranges,
                        Files.readAllLines(Path.of(ranges)).stream().anyMatch(line -> line.startsWith("oobtuser1:")));
            }
        }
        assertEquals("oobtuser1 " + GROUP, HostCommand.of("id", "-nG", "oobtuser1").check().strip());
        assertEquals("root:oobtuser1 750 directory", stat(home));
        assertEquals("root:oobtuser1 750 directory", stat(home.resolve(".ssh")));
        assertEquals("root:oobtuser1 640 regular empty file", stat(home.resolve(".ssh/authorized_keys")));
        assertEquals("root:oobtuser1 750 directory", stat(home.resolve("tmp")));
        assertTrue(accounts.inspect(slice).detail(), accounts.inspect(slice).ok());
        assertTrue(accounts.isSliverUser(slice));
    }

    @Test
    public void ensureRepairsWhatDrifted() throws IOException {
        accounts.ensure(slice);
        Path home = homeBase.resolve("oobtuser1");
        HostCommand.of("chmod", "777", home.toString()).check();
        HostCommand.of("usermod", "--shell", "/bin/bash", "--password", "secret", "oobtuser1").check();
        Files.delete(home.resolve(".ssh/authorized_keys"));
        assertFalse(accounts.inspect(slice).ok());
        assertThat(accounts.inspect(slice).detail(), containsString("shell is /bin/bash"));

        accounts.ensure(slice);
        assertTrue(accounts.inspect(slice).detail(), accounts.inspect(slice).ok());
        assertEquals("root:oobtuser1 750 directory", stat(home));
    }

    @Test
    public void refusesNamesThatBelongToOthers() throws IOException {
        assertRefused("root", false, "is not a sliver user");
        assertRefused("daemon", true, "is not a sliver user");
        HostCommand.of("groupadd", "oobtother").check();
        assertRefused("oobtother", false, "group oobtother exists");
        Files.createDirectory(homeBase.resolve("oobtuser1"));
        assertRefused("oobtuser1", false, "exists and belongs to no sliver");
        accounts.requireOursOrFree(slice, true);
    }

    @Test
    public void deleteRemovesAccountWithoutFollowingLinksAndRefusesWhileMounted() throws IOException {
        accounts.ensure(slice);
        Path home = homeBase.resolve("oobtuser1");
        Path outside = temp.newFolder("outside").toPath();
        Files.writeString(outside.resolve("precious"), "data");
        Files.createSymbolicLink(home.resolve(".ssh/link"), outside);
        Files.createSymbolicLink(home.resolve("filelink"), outside.resolve("precious"));

        HostCommand.of("mount", "--bind", outside.toString(), home.resolve("tmp").toString()).check();
        IOException e = assertThrows(IOException.class, () -> accounts.delete(slice));
        assertThat(e.getMessage(), containsString("still mounted"));
        assertTrue(accounts.isSliverUser(slice));
        HostCommand.of("umount", home.resolve("tmp").toString()).check();

        accounts.delete(slice);
        assertFalse(Files.exists(home, LinkOption.NOFOLLOW_LINKS));
        assertEquals(2, HostCommand.of("getent", "passwd", "oobtuser1").run().status());
        assertEquals(2, HostCommand.of("getent", "group", "oobtuser1").run().status());
        assertEquals("data", Files.readString(outside.resolve("precious")));
        accounts.delete(slice);
    }

    @Test
    public void ensureNeverTouchesTheSliversTmpMountedOnTheHome() throws IOException {
        accounts.ensure(slice);
        Path sliverTmp = temp.newFolder("sliver-tmp").toPath();
        HostCommand.of("chmod", "1777", sliverTmp.toString()).check();
        HostCommand.of("mount", "--bind", sliverTmp.toString(), homeBase.resolve("oobtuser1/tmp").toString()).check();

        accounts.ensure(slice);

        assertEquals("root:root 1777 directory", stat(sliverTmp));
        assertTrue(accounts.inspect(slice).detail(), accounts.inspect(slice).ok());
        HostCommand.of("umount", homeBase.resolve("oobtuser1/tmp").toString()).check();
        HostCommand.of("chmod", "777", homeBase.resolve("oobtuser1/tmp").toString()).check();
        accounts.ensure(slice);
        assertEquals("an unmounted tmp is laid out again", "root:oobtuser1 750 directory", stat(homeBase.resolve("oobtuser1/tmp")));
    }

    @Test
    public void refusesToDeleteANonEmptyTmp() throws IOException {
        accounts.ensure(slice);
        Files.writeString(homeBase.resolve("oobtuser1/tmp/left"), "x");
        IOException e = assertThrows(IOException.class, () -> accounts.delete(slice));
        assertThat(e.getMessage(), containsString("not empty"));
        assertTrue(Files.exists(homeBase.resolve("oobtuser1/tmp/left")));
    }

    private void assertRefused(String name, boolean recorded, String reason) {
        InvalidSliverRequestException e = assertThrows(InvalidSliverRequestException.class,
                () -> accounts.requireOursOrFree(SliceId.of(name), recorded));
        assertThat(e.getMessage(), containsString(reason));
    }

    private static String getent(String database, String key) {
        return HostCommand.of("getent", database, key).check().strip();
    }

    private static String uid() {
        return HostCommand.of("id", "-u", "oobtuser1").check().strip();
    }

    private static String gid(String group) {
        return getent("group", group).split(":")[2];
    }

    private static String stat(Path path) {
        return HostCommand.of("stat", "-c", "%U:%G %a %F", path.toString()).check().strip();
    }
}
