package eu.confine.oob.itests.support;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.inject.Inject;

import org.apache.karaf.features.BootFinished;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.After;
import org.junit.Rule;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRecords;
import eu.confine.oob.api.host.HostCommand;

/**
 * Base of the Pax Exam tests: boots our distribution once per class and offers Event Admin
 * requests with their outcomes, in-process Karaf shell commands, host commands and real slivers.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public abstract class OobTestSupport {

    /** How long a request may take to reach its outcome event. */
    public static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(30);
    /** How long a shell command may run. */
    public static final Duration SHELL_TIMEOUT = Duration.ofSeconds(60);

    /** Containers and slice ids of the current test, cleaned up after it whatever happened. */
    @Rule
    public final TestSlivers slivers = new TestSlivers();

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected EventAdmin eventAdmin;

    @Inject
    protected SessionFactory sessionFactory;

    @Inject
    protected SliverRecords sliverRecords;

    /** Injected once every boot feature is installed. */
    @Inject
    protected BootFinished bootFinished;

    private final Map<String, OutcomeWatcher> watchers = new HashMap<>();

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(OobOptions.distribution(), extraOptions());
    }

    /** Options a test class adds to the boot (configuration files, system properties). */
    protected Option[] extraOptions() {
        return new Option[0];
    }

    @After
    public void closeWatchers() {
        watchers.values().forEach(OutcomeWatcher::close);
        watchers.clear();
    }

    /** A fresh request id. */
    public static String newRequestId() {
        return "itest-" + UUID.randomUUID();
    }

    /** Starts watching the outcomes of a request; call before posting it. */
    protected OutcomeWatcher watch(String requestId) {
        return watchers.computeIfAbsent(requestId, id -> OutcomeWatcher.open(bundleContext, id));
    }

    /** The next outcome of a request watched with {@link #watch} or posted with {@link #post}; fails the test on timeout. */
    protected Event awaitOutcome(String requestId, Duration timeout) {
        OutcomeWatcher watcher = watchers.get(requestId);
        if (watcher == null) {
            throw new IllegalStateException("request " + requestId + " is not watched: call watch(id) before posting it");
        }
        return watcher.await(timeout);
    }

    /** Posts an event with a fresh request id (unless it has one), watching its outcomes first; returns the request id. */
    protected String post(String topic, Map<String, ?> properties) {
        Map<String, Object> props = new HashMap<>(properties);
        String requestId = (String) props.computeIfAbsent(SliverEvents.REQUEST_ID, key -> newRequestId());
        watch(requestId);
        eventAdmin.postEvent(new Event(topic, props));
        return requestId;
    }

    /** Posts an event and returns its outcome event. */
    protected Event request(String topic, Map<String, ?> properties) {
        return awaitOutcome(post(topic, properties), OUTCOME_TIMEOUT);
    }

    /** Posts DEPLOYED for a sliver whose container has the slice id as name; returns the outcome. */
    protected Event deploy(String sliceId, String... adminKeys) {
        return request(SliverEvents.DEPLOYED, Map.of(SliverEvents.SLICE_ID, sliceId, SliverEvents.ADMIN_KEYS, adminKeys));
    }

    /** Posts DEPLOYED with these properties (slice.id, slice.admin.keys, optional sliver.container, sliver.tmp). */
    protected Event deploy(Map<String, ?> properties) {
        return request(SliverEvents.DEPLOYED, properties);
    }

    /** Posts KEYS_CHANGED; returns the outcome. */
    protected Event changeKeys(String sliceId, String... adminKeys) {
        return request(SliverEvents.KEYS_CHANGED, Map.of(SliverEvents.SLICE_ID, sliceId, SliverEvents.ADMIN_KEYS, adminKeys));
    }

    /** Posts REMOVED; returns the outcome. */
    protected Event remove(String sliceId) {
        return request(SliverEvents.REMOVED, Map.of(SliverEvents.SLICE_ID, sliceId));
    }

    /** Runs a host command (argument list, no shell); never throws for a non-zero exit. */
    protected HostCommand.Result host(String... argv) {
        return HostCommand.of(argv).run();
    }

    /** A new ed25519 public key line with this comment (the private key is thrown away). */
    protected String newPublicKey(String comment) {
        try {
            Path dir = Files.createTempDirectory("itest-key");
            String line = TestKey.generate(dir, "id", comment).publicLine();
            HostCommand.of("rm", "-rf", dir.toString()).check();
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a test key", e);
        }
    }

    /** Runs a Karaf shell command in-process, as the console would, within {@link #SHELL_TIMEOUT}. */
    protected ShellResult shell(String command) {
        return shell(command, SHELL_TIMEOUT);
    }

    /** Runs a Karaf shell command in-process; what it threw (or a timeout) is in the result. */
    protected ShellResult shell(String command, Duration timeout) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        ExecutorService runner = Executors.newSingleThreadExecutor();
        Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), outStream, errStream);
        Throwable error = null;
        try {
            Future<Object> result = runner.submit(() -> session.execute(command));
            result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            error = e.getCause();
        } catch (TimeoutException e) {
            error = new AssertionError("shell command '" + command + "' did not finish within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = e;
        } finally {
            runner.shutdownNow();
            session.close();
        }
        outStream.flush();
        errStream.flush();
        return new ShellResult(command, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), error);
    }
}
