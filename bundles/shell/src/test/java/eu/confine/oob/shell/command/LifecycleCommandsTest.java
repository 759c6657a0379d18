package eu.confine.oob.shell.command;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.arrayContaining;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.service.event.Event;

import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliverEvents;

public class LifecycleCommandsTest {

    private static final String KEY_A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA alice@example.org";
    private static final String KEY_B = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB bob";

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private PrintStream originalOut;

    @Before
    public void captureOut() {
        originalOut = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @After
    public void restoreOut() {
        System.setOut(originalOut);
    }

    @Test
    public void deployPostsDeployedWithEveryOptionAndPrintsReady() throws Exception {
        Files.writeString(folder.getRoot().toPath().resolve("keys.pub"), "# admins\n" + KEY_B + "\n");
        FakeEventBus bus = new FakeEventBus(FakeEventBus.answering(SliverEvents.SLIVER_READY, null));
        DeployCommand deploy = wire(new DeployCommand(), bus);
        deploy.sliceIds = List.of("0123456789ab");
        deploy.container = "web-1";
        deploy.tmp = "/var/lib/lxc/web-1/rootfs/tmp";
        deploy.keys = List.of(KEY_A);
        deploy.keysFile = folder.getRoot() + "/keys.pub";

        assertThat(deploy.execute(), nullValue());

        Event event = single(bus);
        assertThat(event.getTopic(), is(SliverEvents.DEPLOYED));
        assertThat(event.getProperty(SliverEvents.SLICE_ID), is("0123456789ab"));
        assertThat((String[]) event.getProperty(SliverEvents.ADMIN_KEYS), arrayContaining(KEY_A, KEY_B));
        assertThat(event.getProperty(SliverEvents.CONTAINER), is("web-1"));
        assertThat(event.getProperty(SliverEvents.TMP), is("/var/lib/lxc/web-1/rootfs/tmp"));
        assertThat((String) event.getProperty(SliverEvents.REQUEST_ID), matchesPattern("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"));
        assertThat(printed.toString(StandardCharsets.UTF_8), is("slice 0123456789ab: READY" + System.lineSeparator()));
        assertThat("handler unregistered", bus.handlers.isEmpty(), is(true));
    }

    @Test
    public void deployLeavesOutOptionsNotGiven() throws Exception {
        FakeEventBus bus = new FakeEventBus(FakeEventBus.answering(SliverEvents.SLIVER_READY, null));
        DeployCommand deploy = wire(new DeployCommand(), bus);
        deploy.sliceIds = List.of("demo");
        deploy.keys = List.of(KEY_A);
        deploy.execute();
        Event event = single(bus);
        assertThat(event.containsProperty(SliverEvents.CONTAINER), is(false));
        assertThat(event.containsProperty(SliverEvents.TMP), is(false));
    }

    @Test
    public void badInputPostsNothingAndRegistersNothing() {
        for (String[] input : new String[][] {
                {"Root;rm", "/tmp"}, {"..", "/tmp"}, {"slice000000000042", "/tmp"}, {"demo", "relative/tmp"}, {"demo", "/a/../etc"}}) {
            FakeEventBus bus = new FakeEventBus(FakeEventBus.answering(SliverEvents.SLIVER_READY, null));
            DeployCommand deploy = wire(new DeployCommand(), bus);
            deploy.sliceIds = List.of(input[0]);
            deploy.tmp = input[1];
            deploy.keys = List.of(KEY_A);
            InvalidSliverRequestException e = assertThrows(InvalidSliverRequestException.class, deploy::execute);
            assertThat(e.getMessage(), containsString("slice "));
            assertThat(bus.posted, empty());
            assertThat(bus.registrations, is(0));
        }
    }

    @Test
    public void nothingIsPostedWhileNoBundleTakesTheEvent() {
        FakeEventBus bus = new FakeEventBus(FakeEventBus.answering(SliverEvents.SLIVER_READY, null));
        bus.listening.clear();
        bus.listening.add("confine/oob/sliver/*");
        DeployCommand deploy = wire(new DeployCommand(), bus);
        deploy.sliceIds = List.of("demo");
        deploy.keys = List.of(KEY_A);
        IllegalStateException e = assertThrows(IllegalStateException.class, deploy::execute);
        assertEquals("slice demo: nothing on this node takes confine/sliver/DEPLOYED yet (its bundle is not active); nothing was posted",
                e.getMessage());
        assertTrue(bus.posted.isEmpty());
        assertEquals(0, bus.registrations);
    }

    @Test
    public void deployWithoutKeysIsRefusedLocally() {
        FakeEventBus bus = new FakeEventBus(null);
        DeployCommand deploy = wire(new DeployCommand(), bus);
        deploy.sliceIds = List.of("demo");
        InvalidSliverRequestException e = assertThrows(InvalidSliverRequestException.class, deploy::execute);
        assertThat(e.getMessage(), is("slice demo: no admin key given: use --key LINE or --keys-file FILE"));
        assertThat(bus.posted, empty());
    }

    @Test
    public void failedOutcomeIsOneLineError() {
        FakeEventBus bus = new FakeEventBus(FakeEventBus.answering(SliverEvents.SLIVER_FAILED, "slice demo: container demo does not exist"));
        DeployCommand deploy = wire(new DeployCommand(), bus);
        deploy.sliceIds = List.of("demo");
        deploy.keys = List.of(KEY_A);
        IllegalStateException e = assertThrows(IllegalStateException.class, deploy::execute);
        assertThat(e.getMessage(), is("slice demo: FAILED: container demo does not exist"));
        assertThat(bus.handlers.isEmpty(), is(true));
    }

    @Test
    public void noOutcomeTimesOutWithOneLineError() {
        FakeEventBus bus = new FakeEventBus(null);
        RemoveCommand remove = wire(new RemoveCommand(), bus);
        remove.sliceIds = List.of("demo");
        remove.timeoutSeconds = 1;
        IllegalStateException e = assertThrows(IllegalStateException.class, remove::execute);
        assertThat(e.getMessage(), matchesPattern("slice demo: no outcome within 1 s \\(request [0-9a-f-]{36}\\); it may still complete, see oob:info demo"));
        assertThat(bus.posted.size(), is(1));
        assertThat(bus.handlers.isEmpty(), is(true));
    }

    @Test
    public void timeoutBelowOneSecondIsRefused() {
        FakeEventBus bus = new FakeEventBus(null);
        RemoveCommand remove = wire(new RemoveCommand(), bus);
        remove.sliceIds = List.of("demo");
        remove.timeoutSeconds = 0;
        assertThrows(IllegalArgumentException.class, remove::execute);
        assertThat(bus.posted, empty());
    }

    @Test
    public void removePostsRemovedAndPrintsCleaned() throws Exception {
        FakeEventBus bus = new FakeEventBus(FakeEventBus.answering(SliverEvents.SLIVER_CLEANED, null));
        RemoveCommand remove = wire(new RemoveCommand(), bus);
        remove.sliceIds = List.of("demo");
        remove.execute();
        assertThat(single(bus).getTopic(), is(SliverEvents.REMOVED));
        assertThat(printed.toString(StandardCharsets.UTF_8), is("slice demo: CLEANED" + System.lineSeparator()));
    }

    @Test
    public void keysPostsKeysChangedFromAFile() throws Exception {
        Path file = folder.newFile("admins").toPath();
        Files.writeString(file, KEY_A + "\n\n" + KEY_B + "\n");
        FakeEventBus bus = new FakeEventBus(FakeEventBus.answering(SliverEvents.SLIVER_READY, null));
        KeysCommand keys = wire(new KeysCommand(), bus);
        keys.sliceId = "demo";
        keys.keysFile = file.toString();
        keys.execute();
        Event event = single(bus);
        assertThat(event.getTopic(), is(SliverEvents.KEYS_CHANGED));
        assertThat((String[]) event.getProperty(SliverEvents.ADMIN_KEYS), arrayContaining(KEY_A, KEY_B));
        assertThat(printed.toString(StandardCharsets.UTF_8), is("slice demo: READY" + System.lineSeparator()));
    }

    @Test
    public void keysOfAMissingFileIsRefusedLocally() throws IOException {
        FakeEventBus bus = new FakeEventBus(null);
        KeysCommand keys = wire(new KeysCommand(), bus);
        keys.sliceId = "demo";
        keys.keysFile = folder.getRoot() + "/none";
        assertThrows(InvalidSliverRequestException.class, keys::execute);
        assertThat(bus.posted, empty());
    }

    @Test
    public void severalSliversArePostedInOneBurstAndReportedInTheOrderGiven() throws Exception {
        FakeEventBus bus = new FakeEventBus(FakeEventBus.answering(SliverEvents.SLIVER_READY, null));
        DeployCommand deploy = wire(new DeployCommand(), bus);
        deploy.sliceIds = List.of("s3", "s1", "s2");
        deploy.container = "shared";
        deploy.keys = List.of(KEY_A);
        deploy.execute();
        assertThat(bus.posted.size(), is(3));
        assertThat(bus.registrations, is(1));
        for (int i = 0; i < 3; i++) {
            Event event = bus.posted.get(i);
            assertThat(event.getProperty(SliverEvents.SLICE_ID), is(deploy.sliceIds.get(i)));
            assertThat(event.getProperty(SliverEvents.CONTAINER), is("shared"));
            assertThat((String[]) event.getProperty(SliverEvents.ADMIN_KEYS), arrayContaining(KEY_A));
        }
        assertEquals(3, bus.posted.stream().map(event -> event.getProperty(SliverEvents.REQUEST_ID)).distinct().count());
        String n = System.lineSeparator();
        assertThat(printed.toString(StandardCharsets.UTF_8), is("slice s3: READY" + n + "slice s1: READY" + n + "slice s2: READY" + n));
        assertThat(bus.handlers.isEmpty(), is(true));
    }

    @Test
    public void oneBadSliverInABurstPostsNothingAtAll() {
        String[][] bursts = {{"good", "Bad;id"}, {"good", "other", "good"}};
        for (String[] burst : bursts) {
            FakeEventBus bus = new FakeEventBus(FakeEventBus.answering(SliverEvents.SLIVER_CLEANED, null));
            RemoveCommand remove = wire(new RemoveCommand(), bus);
            remove.sliceIds = List.of(burst);
            RuntimeException e = assertThrows(RuntimeException.class, remove::execute);
            assertThat(e.getMessage(), containsString("slice "));
            assertThat(bus.posted, empty());
            assertThat(bus.registrations, is(0));
        }
        FakeEventBus bus = new FakeEventBus(FakeEventBus.answering(SliverEvents.SLIVER_READY, null));
        DeployCommand deploy = wire(new DeployCommand(), bus);
        deploy.sliceIds = List.of("a", "b");
        deploy.tmp = "/srv/tmp";
        deploy.keys = List.of(KEY_A);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, deploy::execute);
        assertThat(e.getMessage(), is("--tmp names one sliver's /tmp: give it with a single slice id, not 2; nothing was posted"));
        assertThat(bus.posted, empty());
    }

    @Test
    public void aBurstReportsEverySuccessAndEveryFailureByName() {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
        try {
            FakeEventBus bus = new FakeEventBus(request -> "bad".equals(request.getProperty(SliverEvents.SLICE_ID))
                    ? FakeEventBus.answering(SliverEvents.SLIVER_FAILED, "slice bad: container bad does not exist").apply(request)
                    : "slow".equals(request.getProperty(SliverEvents.SLICE_ID)) ? null
                    : FakeEventBus.answering(SliverEvents.SLIVER_READY, null).apply(request));
            DeployCommand deploy = wire(new DeployCommand(), bus);
            deploy.sliceIds = List.of("ok1", "bad", "slow", "ok2");
            deploy.keys = List.of(KEY_A);
            deploy.timeoutSeconds = 1;
            IllegalStateException e = assertThrows(IllegalStateException.class, deploy::execute);
            assertThat(e.getMessage(), is("2 of 4 slivers did not reach READY"));
            String n = System.lineSeparator();
            assertThat(printed.toString(StandardCharsets.UTF_8), is("slice ok1: READY" + n + "slice ok2: READY" + n));
            String failed = errors.toString(StandardCharsets.UTF_8);
            assertThat(failed, containsString("slice bad: FAILED: container bad does not exist" + n));
            assertThat(failed, matchesPattern("(?s).*slice slow: no outcome within 1 s \\(request [0-9a-f-]{36}\\); it may still complete.*"));
        } finally {
            System.setErr(originalErr);
        }
    }

    private static <T extends OutcomeCommand> T wire(T command, FakeEventBus bus) {
        command.eventAdmin = bus;
        command.bundleContext = bus.bundleContext();
        return command;
    }

    private static Event single(FakeEventBus bus) {
        assertThat(bus.posted.size(), is(1));
        return bus.posted.get(0);
    }
}
