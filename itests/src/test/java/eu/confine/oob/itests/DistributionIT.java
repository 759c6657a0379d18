package eu.confine.oob.itests;

import static org.hamcrest.CoreMatchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThat;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

import eu.confine.oob.api.host.HostCommand;
import eu.confine.oob.api.host.MountTable;
import eu.confine.oob.itests.support.TestKey;
import eu.confine.oob.itests.support.TestSlivers;
import eu.confine.oob.itests.support.UnpackedDistribution;
import eu.confine.oob.itests.support.UnpackedDistribution.Result;

/**
 * The unpacked distribution as an operator runs it: {@code bin/karaf} in the background and
 * {@code bin/oob} from the host shell, many times in a row, with private records, homes and socket.
 */
public class DistributionIT {

    private static UnpackedDistribution node;

    @Rule
    public final TestSlivers slivers = new TestSlivers();

    @BeforeClass
    public static void startKaraf() throws Exception {
        node = UnpackedDistribution.unpack("oob-distribution-it");
        node.start();
        node.awaitNodeUp();
    }

    @AfterClass
    public static void stopKarafAndCleanUp() throws Exception {
        if (node != null) {
            try {
                node.stop();
            } finally {
                node.delete();
            }
        }
    }

    @Test
    public void listAnswersCompletelyHundredTimesInARow() throws Exception {
        Result first = oob("oob:list");
        String[] lines = first.out().split("\n", -1);
        assertEquals("header, separator, no sliver:\n" + first.out(), 3, lines.length);
        assertThat(lines[0], startsWith("Slice id | Container | Running | "));
        assertThat(lines[1], startsWith("---------+-----------+---------+"));
        for (int run = 1; run <= 100; run++) {
            Result result = oob("oob:list");
            assertEquals("run " + run + " stderr", "", result.err());
            assertEquals("run " + run + " stdout", first.out(), result.out());
            assertEquals("run " + run + " exit status", 0, result.status());
        }
    }

    @Test
    public void failingCommandExitsNonZeroWithOneLine() throws Exception {
        Result unknown = oob("oob:info", "nosuchslice");
        assertEquals("", unknown.out());
        assertEquals("slice nosuchslice: no such sliver on this node\n", unknown.err());
        assertEquals(1, unknown.status());

        Result badId = oob("oob:deploy", "--key", "ssh-ed25519 AAAA it's mine", "Root;x");
        assertEquals("", badId.out());
        assertEquals("slice Root;x: slice id must be lowercase letters, digits, '_' or '-', not starting with '-'\n", badId.err());
        assertEquals(1, badId.status());

        Result noCommand = oob("oob:nosuch");
        assertEquals("Command not found: oob:nosuch\n", noCommand.err());
        assertEquals(1, noCommand.status());
    }

    @Test
    public void aBurstOfSliversIsDeployedAndRemovedWithOneCommandEach() throws Exception {
        String container = slivers.create();
        List<String> slices = IntStream.range(0, 12).mapToObj(i -> slivers.newName()).toList();
        Path keys = TestKey.generate(node.base(), "burst-admin", "burst@it").publicKeyFile();
        List<String> expectedReady = slices.stream().map(slice -> "slice " + slice + ": READY").toList();

        Result badOne = oob(burst(List.of("oob:deploy", "--container", container, "--keys-file", keys.toString()),
                List.of(slices.get(0), "Bad;id")));
        assertEquals(badOne.err(), 1, badOne.status());
        assertFalse("a burst with one bad slice id posts nothing", Files.exists(node.records().resolve(slices.get(0) + ".sliver")));

        Result deployed = oob(burst(List.of("oob:deploy", "--timeout", "120", "--container", container, "--keys-file",
                keys.toString()), slices));
        assertEquals(deployed.err(), 0, deployed.status());
        assertEquals(expectedReady, deployed.out().lines().toList());
        for (String slice : slices) {
            assertEquals(slice, HostCommand.of("id", "-un", slice).check().strip());
            assertTrue(slice, MountTable.read().at(node.homeBase().resolve(slice).resolve("tmp")).isPresent());
        }

        Result removed = oob(burst(List.of("oob:remove", "--timeout", "120"), slices));
        assertEquals(removed.err(), 0, removed.status());
        assertEquals(slices.stream().map(slice -> "slice " + slice + ": CLEANED").toList(), removed.out().lines().toList());
        for (String slice : slices) {
            assertNotEquals(slice, 0, HostCommand.of("id", "-un", slice).run().status());
            assertFalse(slice, Files.exists(node.homeBase().resolve(slice), LinkOption.NOFOLLOW_LINKS));
        }
        assertTrue(MountTable.read().atOrBelow(node.homeBase()).isEmpty());
    }

    /** Lazily unmounts what a failed test left below the private homes, before the slivers rule deletes the accounts. */
    @After
    public void unmountLeftovers() {
        for (MountTable.Mount mount : MountTable.read().atOrBelow(node.homeBase())) {
            HostCommand.of("umount", "-l", mount.mountPoint().toString()).run();
        }
    }

    private static String[] burst(List<String> command, List<String> slices) {
        List<String> argv = new ArrayList<>(command);
        argv.addAll(slices);
        return argv.toArray(String[]::new);
    }

    private static Result oob(String... args) throws Exception {
        return node.oob(args);
    }
}
