package eu.confine.oob.keys.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.SliverRecord.Phase;
import eu.confine.oob.api.internal.FileSliverRecords;

/** The event handler with real records, a real account tree and a recording Event Admin. */
public class KeysHandlerTest {

    @ClassRule
    public static final TestKeys KEYS = new TestKeys();

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Rule
    public HostGroup group = new HostGroup();

    private final BlockingQueue<Event> posted = new LinkedBlockingQueue<>();
    private final EventAdmin events = new EventAdmin() {
        @Override
        public void postEvent(Event event) {
            posted.add(event);
        }

        @Override
        public void sendEvent(Event event) {
            posted.add(event);
        }
    };

    private SliceId sliceId;
    private FileSliverRecords records;
    private AuthorizedKeysFile file;
    private Path keysFile;
    private KeysHandler handler;

    @Before
    public void setUp() throws IOException {
        sliceId = group.sliceId();
        Path homeBase = temp.newFolder("home").toPath();
        records = new FileSliverRecords(temp.getRoot().toPath().resolve("records"));
        file = new AuthorizedKeysFile(homeBase);
        AuthorizedKeysFileTest.accountDirs(homeBase, sliceId);
        keysFile = file.path(sliceId);
    }

    @After
    public void tearDown() {
        if (handler != null) {
            handler.deactivate();
        }
    }

    @Test
    public void accountReadyWritesTheRecordsValidKeys() throws Exception {
        save(Phase.DEPLOYING, KEYS.line("dsa"), KEYS.line("ed25519"));
        start();
        Event resumed = next();
        assertEquals("a deploying sliver is carried on at activation", SliverEvents.KEYS_WRITTEN, resumed.getTopic());
        assertEquals("reconcile", resumed.getProperty(SliverEvents.CAUSE));

        handler.handleEvent(event(SliverEvents.ACCOUNT_READY, sliceId.value(), SliverEvents.CAUSE, SliverEvents.DEPLOYED));

        Event answer = next();
        assertEquals(SliverEvents.KEYS_WRITTEN, answer.getTopic());
        assertEquals(SliverEvents.DEPLOYED, answer.getProperty(SliverEvents.CAUSE));
        assertEquals("r-1", answer.getProperty(SliverEvents.REQUEST_ID));
        assertEquals(sliceId.value(), answer.getProperty(SliverEvents.SLICE_ID));
        assertEquals("restrict,pty " + KEYS.typeAndBlob("ed25519") + " ed25519\n", Files.readString(keysFile));
    }

    @Test
    public void keysChangedSavesTheRecordAndRewritesTheFile() throws Exception {
        save(Phase.READY, KEYS.line("ed25519"));
        start();
        List<String> newKeys = List.of(KEYS.line("rsa2048"), KEYS.line("rsa1024"));

        handler.handleEvent(event(SliverEvents.KEYS_CHANGED, sliceId.value(), SliverEvents.ADMIN_KEYS, newKeys.toArray(String[]::new)));

        Event answer = next();
        assertEquals(SliverEvents.KEYS_WRITTEN, answer.getTopic());
        assertEquals(SliverEvents.KEYS_CHANGED, answer.getProperty(SliverEvents.CAUSE));
        assertEquals(newKeys, records.find(sliceId).orElseThrow().adminKeys());
        assertEquals("restrict,pty " + KEYS.typeAndBlob("rsa2048") + " rsa2048\n", Files.readString(keysFile));
    }

    @Test
    public void keysChangedWithOnlyInvalidKeysChangesNothing() throws Exception {
        save(Phase.READY, KEYS.line("ed25519"));
        file.write(sliceId, List.of("restrict,pty " + KEYS.line("ed25519")));
        start();
        Object inode = Files.getAttribute(keysFile, "unix:ino");
        SliverRecord before = records.find(sliceId).orElseThrow();

        handler.handleEvent(event(SliverEvents.KEYS_CHANGED, sliceId.value(), SliverEvents.ADMIN_KEYS,
                new String[] {KEYS.line("dsa"), "garbage"}));

        Event answer = next();
        assertEquals(SliverEvents.SLIVER_FAILED, answer.getTopic());
        String reason = (String) answer.getProperty(SliverEvents.REASON);
        assertThat(reason, containsString("slice " + sliceId + ": no valid admin key, keys unchanged"));
        assertThat(reason, containsString("DSA keys are not accepted"));
        assertEquals(before, records.find(sliceId).orElseThrow());
        assertEquals(inode, Files.getAttribute(keysFile, "unix:ino"));
    }

    @Test
    public void keysChangedForAMissingOrRemovingSliverFails() throws Exception {
        start();
        handler.handleEvent(event(SliverEvents.KEYS_CHANGED, sliceId.value(), SliverEvents.ADMIN_KEYS, new String[] {KEYS.line("ed25519")}));
        assertFailed("slice " + sliceId + ": no such sliver");

        save(Phase.REMOVING, KEYS.line("ed25519"));
        handler.handleEvent(event(SliverEvents.KEYS_CHANGED, sliceId.value(), SliverEvents.ADMIN_KEYS, new String[] {KEYS.line("ecdsa256")}));
        assertFailed("slice " + sliceId + ": no such sliver");
        assertEquals(List.of(KEYS.line("ed25519")), records.find(sliceId).orElseThrow().adminKeys());
        assertFalse(Files.exists(keysFile));

        handler.handleEvent(event(SliverEvents.KEYS_CHANGED, "root;reboot", SliverEvents.ADMIN_KEYS, new String[] {KEYS.line("ed25519")}));
        assertFailed("slice root;reboot: slice id must be");
    }

    @Test
    public void aFailingStepIsReportedWithTheSlice() throws Exception {
        save(Phase.DEPLOYING, KEYS.line("ed25519"));
        start();
        // Activation carries the deploying sliver on first; only then is its account taken away.
        assertEquals(SliverEvents.KEYS_WRITTEN, next().getTopic());
        Files.delete(keysFile);
        Files.delete(file.sshDir(sliceId));

        handler.handleEvent(event(SliverEvents.ACCOUNT_READY, sliceId.value(), SliverEvents.CAUSE, SliverEvents.DEPLOYED));

        Event answer = assertFailed("slice " + sliceId + ": " + file.sshDir(sliceId) + " does not exist");
        assertEquals(SliverEvents.DEPLOYED, answer.getProperty(SliverEvents.CAUSE));
    }

    @Test
    public void activationRepairsDeployedSliversOnly() throws Exception {
        save(Phase.READY, KEYS.line("ecdsa521"));
        file.write(sliceId, List.of("restrict,pty " + KEYS.line("ecdsa521"), "ssh-ed25519 AAAA planted"));
        Files.setPosixFilePermissions(keysFile, PosixFilePermissions.fromString("rw-r--r--"));

        start();
        handler.deactivate();
        handler = null;

        assertEquals("restrict,pty " + KEYS.line("ecdsa521") + "\n", Files.readString(keysFile));
        assertEquals(0640, (int) Files.getAttribute(keysFile, "unix:mode") & 0777);

        save(Phase.REMOVING, KEYS.line("ed25519"));
        start();
        handler.deactivate();
        handler = null;
        assertEquals("restrict,pty " + KEYS.line("ecdsa521") + "\n", Files.readString(keysFile));
    }

    private void start() {
        handler = new KeysHandler(records, events, file);
    }

    private void save(Phase phase, String... keys) {
        records.save(new SliverRecord(sliceId, sliceId.value(), Optional.empty(), List.of(keys), phase));
    }

    private Event assertFailed(String reasonStart) throws InterruptedException {
        Event answer = next();
        assertEquals(SliverEvents.SLIVER_FAILED, answer.getTopic());
        assertThat((String) answer.getProperty(SliverEvents.REASON), containsString(reasonStart));
        return answer;
    }

    private Event next() throws InterruptedException {
        Event event = posted.poll(10, TimeUnit.SECONDS);
        assertNotNull("no event posted", event);
        return event;
    }

    private static Event event(String topic, String slice, String key, Object value) {
        Map<String, Object> props = new HashMap<>();
        props.put(SliverEvents.SLICE_ID, slice);
        props.put(SliverEvents.REQUEST_ID, "r-1");
        props.put(key, value);
        return new Event(topic, props);
    }
}
