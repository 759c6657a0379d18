package eu.confine.oob.itests;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThat;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.host.HostCommand;
import eu.confine.oob.api.host.MountTable;
import eu.confine.oob.itests.support.FixtureRegistry;
import eu.confine.oob.itests.support.TestKey;
import eu.confine.oob.itests.support.TestSlivers;
import eu.confine.oob.itests.support.UnpackedDistribution;
import eu.confine.oob.itests.support.UnpackedDistribution.Result;

/**
 * A restart of the unpacked distribution while the CONFINE registry is down: the sliver the registry listed stays,
 * its admin still runs commands in it, the follower works from its persisted snapshot, and {@code bin/oob
 * oob:registry} and {@code oob:status} show how old that snapshot is. A real busybox sliver, a loopback registry, the
 * real OpenSSH client.
 */
public class RegistryRestartIT {

    private static final String NODE_ID = "restart";
    /** How long the registry's changes may take to reach the node (a poll interval of 2 s, then the deployment). */
    private static final Duration SYNC = Duration.ofSeconds(60);
    /** Where Karaf's log and console output are kept. */
    private static final Path LOGS = Path.of("target", "RegistryRestartIT");

    @Rule
    public final TestSlivers slivers = new TestSlivers();

    private UnpackedDistribution node;
    private FixtureRegistry registry;

    /** Stops Karaf (which unmounts), unmounts leftovers, keeps the logs and deletes the node; the rule removes container and account. */
    @After
    public void cleanUp() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (node == null) {
            return;
        }
        try {
            node.stop();
        } finally {
            node.destroy();
            for (MountTable.Mount mount : MountTable.read().atOrBelow(node.base())) {
                HostCommand.of("umount", "-l", mount.mountPoint().toString()).run();
            }
            node.keepLogs(LOGS);
            node.delete();
        }
    }

    @Test
    public void aRestartWhileTheRegistryIsDownKeepsTheAdminsKeysFromTheSnapshot() throws Exception {
        long number = 0xb0_0000_0000L * 16 + new SecureRandom().nextInt(1 << 30);
        String slice = slivers.create(String.format("%012x", number));
        slivers.start(slice);
        Files.writeString(slivers.rootfs(slice).resolve("tmp/marker"), "inside the sliver\n");
        node = UnpackedDistribution.unpack("oob-registry-restart-it");
        TestKey alice = TestKey.generate(node.state(), "alice", "alice@itest");
        registry = new FixtureRegistry(number, NODE_ID);
        registry.user(10, "alice", true, alice.publicLine());
        registry.group(List.of(registry.role(10, true, false)));
        registry.node(true);
        node.configure("eu.confine.oob.registry", Map.of("baseUri", registry.base(), "nodeId", NODE_ID,
                "pollIntervalSeconds", "2", "requestTimeoutSeconds", "2", "stalenessLimitHours", "1"));
        node.start();
        node.awaitNodeUp();

        // The registry lists a running sliver with alice as its admin: deployed, and she runs commands in it.
        node.awaitOob(SYNC, info -> value(info, "phase").equals("READY"), "oob:info", slice);
        node.awaitOob(SYNC, sync -> value(sync, "result").startsWith("ok: 1 sliver(s)"), "oob:registry");
        // The front end of a first boot makes its host keys before it listens: it may come after the sync.
        node.awaitOob(UnpackedDistribution.BOOT, status -> status.status() == 0, "oob:status");
        assertEquals("inside the sliver\n", ssh(alice, slice, "cat /tmp/marker").stdout());

        // The registry goes down (once a sync failed, no later one succeeds: the snapshot stays as it is), then Karaf
        // restarts: the first sync fails, and the persisted snapshot is the node's state.
        registry.stop();
        Result failed = node.awaitOob(SYNC, sync -> value(sync, "result").startsWith("failed: "), "oob:registry");
        String snapshotTime = value(failed, "snapshot").split(", age ")[0];
        assertThat(failed.out(), snapshotTime, startsWith("20"));
        node.stop();
        node.start();
        node.awaitNodeUp();
        node.awaitOob(UnpackedDistribution.BOOT, status -> status.status() == 0, "oob:status");
        Result down = node.awaitOob(SYNC, sync -> value(sync, "result").startsWith("failed: "), "oob:registry");
        assertThat(down.out(), value(down, "result"), containsString("ConnectException"));
        assertEquals(down.out(), "never", value(down, "last success"));
        assertThat(down.out(), value(down, "snapshot"), startsWith(snapshotTime + ", age "));
        assertEquals(down.out(), "limit 60 min", value(down, "staleness"));
        assertEquals(down.out(), "allowed", value(down, "logins"));

        HostCommand.Result command = ssh(alice, slice, "true");
        assertEquals(command.toString(), 0, command.status());
        assertEquals("inside the sliver\n", ssh(alice, slice, "cat /tmp/marker").stdout());
        assertTrue(Files.exists(node.records().resolve(slice + ".sliver")));

        Result status = node.oob("oob:status");
        assertEquals(status.toString(), 0, status.status());
        assertThat(status.out(), value(status, "registry"), startsWith(registry.base() + "nodes/" + NODE_ID + ", last sync failed "));
        assertThat(status.out(), value(status, "snapshot"), startsWith("age "));
        assertThat(status.out(), value(status, "snapshot"), containsString(" (" + snapshotTime + "), limit 60 min: logins allowed"));
    }

    /** Runs a command in the sliver through the node's SSH front end with the real OpenSSH client; 255 means refused. */
    private HostCommand.Result ssh(TestKey key, String slice, String command) throws Exception {
        String listen = value(node.oob("oob:status"), "listening");
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-i", key.privateKey().toString(), "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "ConnectTimeout=10", "-p", listen.substring(listen.lastIndexOf(':') + 1),
                SliceId.of(slice).userName() + "@127.0.0.1", command));
        return HostCommand.of(argv.toArray(new String[0])).timeout(Duration.ofSeconds(30)).run();
    }

    /** The value of a {@code name: value} line of a command's output, or the empty string without one. */
    private static String value(Result result, String name) {
        return result.out().lines().filter(line -> line.startsWith(name + ":")).map(line -> line.substring(name.length() + 1).strip())
                .findFirst().orElse("");
    }
}
