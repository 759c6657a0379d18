package eu.confine.oob.itests;

import static org.hamcrest.CoreMatchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThat;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import eu.confine.oob.itests.support.UnpackedDistribution;
import eu.confine.oob.itests.support.UnpackedDistribution.Result;

/**
 * The unpacked distribution as an operator runs it: {@code bin/karaf} in the background and
 * {@code bin/oob} from the host shell, many times in a row, with private records, homes and socket.
 */
public class DistributionIT {

    private static UnpackedDistribution node;

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

    private static Result oob(String... args) throws Exception {
        return node.oob(args);
    }
}
