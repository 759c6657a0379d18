package eu.confine.oob.itests.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.host.HostCommand;
import eu.confine.oob.api.host.MountTable;

/**
 * Removes what a test made for its slivers, tolerating what is already gone: records, mounts below
 * the home, containers, and sliver users and groups (only those in group {@code sliver} with a uid
 * of 1000 or more, so a test that tried "root" cannot delete root).
 */
final class SliverCleanup {

    private static final Logger LOG = LoggerFactory.getLogger(SliverCleanup.class);
    private static final Path RECORDS = Path.of("/var/lib/confine-oob/slivers");
    private static final Path HOMES = Path.of("/home");

    private final List<String> problems = new ArrayList<>();

    /** Deletes the slice's record and lazily unmounts everything below its home. */
    void slice(String slice) {
        String user = userName(slice);
        if (!user.matches("[a-z0-9_][a-z0-9_-]*")) {
            return;
        }
        try {
            Files.deleteIfExists(RECORDS.resolve(slice + ".sliver"));
        } catch (IOException e) {
            problems.add("slice " + slice + ": record: " + e.getMessage());
        }
        Path home = HOMES.resolve(user);
        for (Path mountPoint : mountsBelow(home)) {
            run("slice " + slice, "umount", "-l", mountPoint.toString());
        }
    }

    /** Stops and destroys a container made by the test. */
    void container(String name) {
        if (Files.isDirectory(TestSlivers.LXC_PATH.resolve(name))) {
            HostCommand.of("lxc-stop", "-n", name, "-k").run();
            run("container " + name, "lxc-destroy", "-n", name, "-f");
        }
    }

    /** Deletes the slice's sliver user, group and home, if they are a sliver's. */
    void account(String slice) {
        String user = userName(slice);
        if (!user.matches("[a-z0-9_][a-z0-9_-]*")) {
            return;
        }
        HostCommand.Result passwd = HostCommand.of("getent", "passwd", user).run();
        if (passwd.status() == 0) {
            String[] fields = passwd.stdout().strip().split(":");
            boolean sliverUser = fields.length > 2 && Integer.parseInt(fields[2]) >= 1000
                    && List.of(HostCommand.of("id", "-nG", user).run().stdout().strip().split(" ")).contains("sliver");
            if (!sliverUser) {
                LOG.warn("Cleanup leaves user {} alone: not a sliver user", user);
                return;
            }
            run("slice " + slice, "userdel", user);
        }
        if (HostCommand.of("getent", "group", user).run().status() == 0) {
            run("slice " + slice, "groupdel", user);
        }
        Path home = HOMES.resolve(user);
        if (Files.exists(home) && mountsBelow(home).isEmpty()) {
            run("slice " + slice, "rm", "-rf", "--one-file-system", home.toString());
        }
    }

    /** Logs what could not be removed. */
    void report() {
        for (String problem : problems) {
            LOG.warn("Test cleanup: {}", problem);
        }
    }

    private void run(String what, String... argv) {
        try {
            HostCommand.Result result = HostCommand.of(argv).run();
            if (result.status() != 0) {
                problems.add(what + ": " + String.join(" ", argv) + " exited " + result.status() + ": " + result.stderr().strip());
            }
        } catch (RuntimeException e) {
            problems.add(what + ": " + String.join(" ", argv) + ": " + e.getMessage());
        }
    }

    private static String userName(String slice) {
        try {
            return SliceId.of(slice).userName();
        } catch (InvalidSliverRequestException e) {
            return "";
        }
    }

    private List<Path> mountsBelow(Path home) {
        List<Path> below = new ArrayList<>();
        try {
            MountTable.read().atOrBelow(home).forEach(mount -> below.add(mount.mountPoint()));
        } catch (RuntimeException e) {
            problems.add("cannot read the mount table: " + e.getMessage());
        }
        return below;
    }
}
